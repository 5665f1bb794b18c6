using System.Diagnostics.CodeAnalysis;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using CdcPipeline.AppHost.Capture;
using CdcPipeline.AppHost.Cassandra;
using CdcPipeline.AppHost.Debezium;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.KafkaUi;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.AppHost.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Profiles;

internal static partial class InfrastructureBuilderExtensions
{
    private const int BrokerCount = 3;
    private const string SchemaScriptsDirectory = "../sql/postgres";

    /// <summary>
    /// Adds the infrastructure of the profile <see cref="PipelineSettings"/> chooses, and the change capture. False,
    /// with one line saying why, when a setting is invalid or this machine lacks what the profile needs.
    /// </summary>
    public static bool TryAddInfrastructure(
        this IDistributedApplicationBuilder builder,
        [NotNullWhen(true)] out PipelineInfrastructure? infrastructure,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(builder);

        try
        {
            var settings = PipelineSettings.Resolve(
                builder.Configuration,
                builder.ExecutionContext.IsPublishMode,
                () => ContainerEngine.Probe(builder.Configuration, ContainerEngine.DefaultTimeout));
            infrastructure = settings.Profile == PipelineProfile.Local ? builder.AddLocal(settings) : builder.AddContainers(settings);
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                ProfileChosen(@event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CdcPipeline.AppHost"), settings.Summary);
                return Task.CompletedTask;
            });
            error = null;
            return true;
        }
        catch (PipelineConfigurationException exception)
        {
            infrastructure = null;
            error = exception.Message;
            return false;
        }
    }

    private static PipelineInfrastructure AddContainers(this IDistributedApplicationBuilder builder, PipelineSettings settings)
    {
        var connector = builder.LoadConnector();
        var capture = CaptureSettings.FromConnector(connector);

        var kafka = builder.AddKafkaCluster("kafka", BrokerCount);
        var postgres = builder.AddCdcPostgres("postgres", builder.AddPostgresPassword());
        var cdcDb = postgres.AddDatabase("cdcdb", databaseName: "cdc_db").WithSchemaScripts(SchemaScriptsDirectory);
        var cassandra = builder.AddCassandra("cassandra");

        IResourceBuilder<DebeziumConnectResource>? debezium = null;
        if (settings.Capture == CaptureMode.Debezium)
        {
            debezium = builder.AddDebeziumConnect("debezium", kafka, cdcDb).WithConnector(connector.ForDatabase(cdcDb.Resource));
        }
        else
        {
            builder.AddBuiltinCapture("capture", builder.Untyped(kafka), builder.Untyped(cdcDb), capture);
        }

        builder.AddKafkaUi("kafka-ui", kafka, debezium);

        return new(settings, builder.Untyped(kafka), builder.Untyped(cdcDb), builder.Untyped(cassandra), capture);
    }

    private static PipelineInfrastructure AddLocal(this IDistributedApplicationBuilder builder, PipelineSettings settings)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PipelineConfigurationException(
                $"Profile local runs PostgreSQL under /bin/sh and needs Linux or macOS: on Windows start a container engine, or set {PipelineSettings.ProfileSetting}=containers.");
        }

        var installation = PostgresInstallation.Find() ?? throw new PipelineConfigurationException(
            $"Profile local needs PostgreSQL on this machine. {PostgresInstallation.NotFoundMessage}");
        var capture = CaptureSettings.FromConnector(builder.LoadConnector());

        // ApplicationStopped then comes after DCP has stopped every process: the services no longer use the
        // in-process stand-ins when they stop, and PostgreSQL no longer uses its directory when it is removed.
        builder.Configuration["DcpPublisher:WaitForResourceCleanup"] ??= "true";

        var kafka = builder.AddInMemoryKafka("kafka", BrokerCount, new PipelineTopics(capture).All, settings);
        var postgres = builder.AddLocalPostgres("postgres", builder.AddPostgresPassword(), installation, settings);
        var cdcDb = postgres.AddDatabase("cdcdb", databaseName: "cdc_db").WithSchemaScripts(SchemaScriptsDirectory);
        var cassandra = builder.AddInMemoryCassandra("cassandra", settings);

        builder.AddBuiltinCapture("capture", builder.Untyped(kafka), builder.Untyped(cdcDb), capture);

        return new(settings, builder.Untyped(kafka), builder.Untyped(cdcDb), builder.Untyped(cassandra), capture);
    }

    // Generated on first run and kept in the AppHost's user secrets: F5 works with no setup, and no password is ever
    // in the repository. Set Parameters:postgres-password to choose one. Both profiles use it.
    private static IResourceBuilder<ParameterResource> AddPostgresPassword(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("postgres-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

    private static ConnectorDefinition LoadConnector(this IDistributedApplicationBuilder builder) =>
        ConnectorDefinition.Load(Path.Combine(builder.AppHostDirectory, "Debezium", "cdc-connector.json"));

    private static IResourceBuilder<IResourceWithConnectionString> Untyped<T>(this IDistributedApplicationBuilder builder, IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        builder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void ProfileChosen(ILogger logger, string summary);
}
