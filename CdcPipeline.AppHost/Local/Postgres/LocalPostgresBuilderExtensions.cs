using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using CdcPipeline.AppHost.Postgres;
using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Local.Postgres;

internal static partial class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// Adds PostgreSQL from <paramref name="installation"/>: initialised on a fresh data directory before it starts
    /// (superuser <c>postgres</c> with <paramref name="password"/>, scram-sha-256), listening on 127.0.0.1 on a port
    /// Aspire allocates, with logical replication, stopped by a fast shutdown and its directory removed when the
    /// AppHost stops. Healthy when it accepts a login.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource> password,
        PostgresInstallation installation,
        PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(settings);

        var server = new LocalPostgresServerResource(name, installation, PostgresDataDirectories.NewPath(), password.Resource);

        var healthCheckKey = $"{name}_login_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new PostgresHealthCheck(ct => server.PrimaryEndpoint.IsAllocated
                ? server.ConnectionStringExpression.GetValueAsync(ct)
                : ValueTask.FromResult<string?>(null)),
            failureStatus: default,
            tags: default));

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) => PrepareRunAsync(server, @event));

        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                var (fileName, userArguments) = PostgresServiceUser.Command(installation.PathOf("postgres"), []);
                var settings = PostgresServerSettings.LogicalReplication(
                    server.RootDirectory, CdcPostgresBuilderExtensions.MaxReplicationSlots, CdcPostgresBuilderExtensions.MaxWalSenders);
                IEnumerable<object> arguments =
                [
                    .. FastShutdown.Arguments(fileName), .. userArguments,
                    "-D", server.DataDirectory, "-p", server.PrimaryEndpoint.Property(EndpointProperty.Port),
                    .. PostgresServerSettings.ToArguments(settings),
                ];
                foreach (var argument in arguments)
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest()
            .OnBeforeResourceStarted((resource, @event, ct) => InitializeAsync(resource, @event.Services, settings, ct))
            .OnResourceReady((resource, @event, ct) => CreateDatabasesAsync(resource, @event.Services, ct));
    }

    /// <summary>Adds a database, created with its schema (<see cref="WithSchemaScripts"/>) once the server is healthy.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server,
        [ResourceName] string name,
        string databaseName)
    {
        ArgumentNullException.ThrowIfNull(server);

        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);
        server.Resource.AddDatabase(database);
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgreSQL database",
                State = KnownResourceStates.NotStarted,
                Properties = [new("postgres.database", databaseName) { DisplayName = "Database", IsHighlighted = true }],
            })
            .ExcludeFromManifest()
            .OnInitializeResource((resource, @event, _) => FollowServerStateAsync(resource, @event));
    }

    /// <summary>Applies the <c>*.sql</c> files of <paramref name="scriptsDirectory"/> (relative to the AppHost) when the database is created.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> WithSchemaScripts(
        this IResourceBuilder<LocalPostgresDatabaseResource> database,
        string scriptsDirectory)
    {
        ArgumentNullException.ThrowIfNull(database);

        database.Resource.SchemaScriptsDirectory = Path.GetFullPath(Path.Combine(database.ApplicationBuilder.AppHostDirectory, scriptsDirectory));
        return database;
    }

    // Aspire carries a container's state over to its databases, but not an executable's: the database has no process
    // of its own, so it shows (and health-checks, through the server's check) the state of its server.
    private static async Task FollowServerStateAsync(LocalPostgresDatabaseResource database, InitializeResourceEvent @event)
    {
        var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await foreach (var update in @event.Notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (update.Resource == database.Parent)
                {
                    await @event.Notifications.PublishUpdateAsync(database, s => s with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost stops: so does the server, and there is nothing left to follow.
        }
    }

    private static Task PrepareRunAsync(LocalPostgresServerResource server, BeforeStartEvent @event)
    {
        var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        foreach (var stale in PostgresDataDirectories.SweepStale())
        {
            StaleDirectoryRemoved(logger, stale);
        }

        @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
        {
            try
            {
                PostgresDataDirectories.Delete(server.RootDirectory);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                DirectoryNotRemoved(logger, server.RootDirectory, exception.Message);
            }
        });
        return Task.CompletedTask;
    }

    // Before every start, also a restart from the dashboard: that one keeps the data of this run.
    private static async Task InitializeAsync(LocalPostgresServerResource server, IServiceProvider services, PipelineSettings settings, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(server, s => s with
        {
            Properties = s.Properties.With(
                StandInProperties.Profile(settings),
                StandInProperties.Durability($"throwaway: a fresh data directory each run, removed when the AppHost stops ({server.RootDirectory})"),
                new(CustomResourceKnownProperties.Source, server.Installation.ToString())),
        }).ConfigureAwait(false);

        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        PostgresDataDirectories.Create(server.RootDirectory);
        await PostgresServiceUser.TakeOwnershipAsync(server.RootDirectory, cancellationToken).ConfigureAwait(false);
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Parameter '{server.PasswordParameter.Name}' has no value.");
        await server.Installation.InitDbAsync(server.DataDirectory, password, cancellationToken).ConfigureAwait(false);
        Initialized(logger, server.DataDirectory, server.Installation.ToString());
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{server.Name} has no connection string.");
        foreach (var database in server.Databases)
        {
            var scripts = await PostgresSchema.EnsureAsync(connectionString, database.DatabaseName, database.SchemaScriptsDirectory, cancellationToken).ConfigureAwait(false);
            DatabaseReady(logger, database.DatabaseName, scripts.Count == 0 ? "none" : string.Join(", ", scripts));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Initialised a fresh data directory {DataDirectory} with {Installation}")]
    private static partial void Initialized(ILogger logger, string dataDirectory, string installation);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Database {Database} ready, schema scripts applied: {Scripts}")]
    private static partial void DatabaseReady(ILogger logger, string database, string scripts);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Removed {Directory}, left behind by an earlier run that was killed")]
    private static partial void StaleDirectoryRemoved(ILogger logger, string directory);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not remove {Directory}: {Reason}")]
    private static partial void DirectoryNotRemoved(ILogger logger, string directory, string reason);
}
