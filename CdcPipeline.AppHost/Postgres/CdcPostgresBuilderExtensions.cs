using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Postgres;

internal static class CdcPostgresBuilderExtensions
{
    public const int MaxReplicationSlots = 10;
    public const int MaxWalSenders = 10;

    /// <summary>PGDATA of the pinned image (PostgreSQL 17); the data volume is mounted exactly here.</summary>
    public const string DataDirectory = "/var/lib/postgresql/data";

    /// <summary>The image's init directory: its scripts run once, at the first start, against POSTGRES_DB.</summary>
    public const string InitDirectory = "/docker-entrypoint-initdb.d";

    /// <summary>
    /// Adds PostgreSQL started for logical replication (pgoutput, the Debezium connector's replication
    /// slot), with its administrator password from <paramref name="password"/> and its data on a persistent volume
    /// (see <see cref="PersistentData"/>).
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddCdcPostgres(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var postgres = builder.AddPostgres(name, password: password)
            .WithImage(ContainerImageTags.PostgresImage, ContainerImageTags.PostgresTag)
            .WithImageRegistry(ContainerImageTags.DockerHubRegistry)
            .WithArgs(
                "-c", "wal_level=logical",
                "-c", string.Create(CultureInfo.InvariantCulture, $"max_replication_slots={MaxReplicationSlots}"),
                "-c", string.Create(CultureInfo.InvariantCulture, $"max_wal_senders={MaxWalSenders}"))
            .WithEnvironment("PGDATA", DataDirectory);

        return postgres.WithPersistentData(DataDirectory);
    }

    /// <summary>
    /// Applies the SQL scripts of <paramref name="scriptsDirectory"/> to this database when the server's data
    /// directory is created.
    /// </summary>
    /// <remarks>
    /// The image runs its init directory once, against POSTGRES_DB, before it accepts TCP connections.
    /// POSTGRES_DB is set to this database, so the image creates it and the scripts land in it. Aspire then
    /// runs its own <c>CREATE DATABASE</c> for the database resource once the server is ready; on the existing
    /// database that fails with 42P04 (duplicate_database), which Aspire.Hosting.PostgreSQL ignores.
    /// </remarks>
    public static IResourceBuilder<PostgresDatabaseResource> WithSchemaScripts(
        this IResourceBuilder<PostgresDatabaseResource> database,
        string scriptsDirectory)
    {
        ArgumentNullException.ThrowIfNull(database);

        var server = database.ApplicationBuilder.CreateResourceBuilder(database.Resource.Parent);
        server.WithEnvironment("POSTGRES_DB", database.Resource.DatabaseName)
              .WithInitFiles(scriptsDirectory);

        return database;
    }
}
