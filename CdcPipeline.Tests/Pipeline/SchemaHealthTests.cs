using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Consumer;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>
/// A database whose init scripts never ran (PostgreSQL runs them only on an empty data directory): the Consumer's and
/// the capture's health say what is missing and how to reset, instead of failing every write.
/// </summary>
public sealed class SchemaHealthTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string ResetProcedure = "Reset: stop the AppHost, delete the postgres volume together with the kafka-* volumes";

    [Fact]
    public async Task The_Consumer_is_unhealthy_naming_the_missing_tables_and_the_reset()
    {
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, "DROP TABLE orders; DROP TABLE users CASCADE");
        await using var consumer = ConsumerHost.Build(await ConsumerTestSetup.CreateAsync(kafka, database));

        var schema = await SchemaCheckAsync(consumer);

        Assert.Equal(HealthStatus.Unhealthy, schema.Status);
        Assert.StartsWith($"database {Name(database)} lacks table public.users, table public.orders: ", schema.Description, StringComparison.Ordinal);
        Assert.Contains(ResetProcedure, schema.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_capture_is_unhealthy_naming_the_missing_publication()
    {
        var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await ExecuteAsync(setup.DatabaseConnectionString, "DROP PUBLICATION cdc_pub");
        await using var capture = CaptureHost.Build(setup);

        var schema = await SchemaCheckAsync(capture);

        Assert.Equal(HealthStatus.Unhealthy, schema.Status);
        Assert.StartsWith($"database {Name(setup.DatabaseConnectionString)} lacks publication cdc_pub: ", schema.Description, StringComparison.Ordinal);
        Assert.Contains(ResetProcedure, schema.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_as_sql_postgres_creates_it_is_healthy_for_both()
    {
        var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await using var capture = CaptureHost.Build(setup);
        await using var consumer = ConsumerHost.Build(await ConsumerTestSetup.CreateAsync(kafka, setup.DatabaseConnectionString));

        Assert.Equal(HealthStatus.Healthy, (await SchemaCheckAsync(capture)).Status);
        Assert.Equal(HealthStatus.Healthy, (await SchemaCheckAsync(consumer)).Status);
    }

    [Fact]
    public async Task An_unreachable_database_is_not_reported_as_a_missing_schema()
    {
        await using var consumer = ConsumerHost.Build(await ConsumerTestSetup.CreateAsync(kafka, "Host=127.0.0.1;Port=1;Database=cdc_db;Timeout=2"));

        var schema = await SchemaCheckAsync(consumer);

        Assert.Equal(HealthStatus.Degraded, schema.Status);
        Assert.StartsWith("the schema of database cdc_db could not be checked: ", schema.Description, StringComparison.Ordinal);
    }

    private static async Task<HealthReportEntry> SchemaCheckAsync(WebApplication app)
    {
        var report = await app.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Name == "schema", TestContext.Current.CancellationToken);
        return Assert.Single(report.Entries).Value;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static string Name(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;
}
