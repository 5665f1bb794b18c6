using System.Globalization;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Npgsql;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// A capture test's own database, replication slot (slots are cluster-wide, so each test has a unique one, dropped
/// at the end), topic prefix and offsets topic, with the settings that point the capture at them.
/// </summary>
internal sealed class CaptureTestSetup : IAsyncDisposable
{
    private CaptureTestSetup(KafkaTestClient kafka, string adminConnectionString, string databaseConnectionString, string topicPrefix)
    {
        Kafka = kafka;
        AdminConnectionString = adminConnectionString;
        DatabaseConnectionString = databaseConnectionString;
        TopicPrefix = topicPrefix;
        SlotName = $"capture_{Guid.NewGuid():N}"[..30];
        OffsetsTopic = KafkaTestClient.UniqueTopic("capture-offsets");
        Database = new NpgsqlConnectionStringBuilder(databaseConnectionString).Database!;
    }

    public KafkaTestClient Kafka { get; }

    public string AdminConnectionString { get; }

    public string DatabaseConnectionString { get; }

    public string Database { get; }

    public string TopicPrefix { get; }

    public string SlotName { get; }

    public string OffsetsTopic { get; }

    public string UsersTopic => $"{TopicPrefix}.public.users";

    public string OrdersTopic => $"{TopicPrefix}.public.orders";

    public string HeartbeatTopic => $"__debezium-heartbeat.{TopicPrefix}";

    /// <summary>A fresh database with the schema; <paramref name="topicPrefix"/> defaults to a unique one (tests share Kafka).</summary>
    public static async Task<CaptureTestSetup> CreateAsync(PostgresFixture postgres, KafkaTestClient kafka, string? topicPrefix = null) =>
        new(kafka, postgres.AdminConnectionString, await postgres.CreateDatabaseAsync("cdc_capture"),
            topicPrefix ?? $"cdc{Guid.NewGuid():N}"[..11]);

    /// <summary>A fresh database on a server of the test's own (that it may stop and start).</summary>
    public static async Task<CaptureTestSetup> CreateAsync(LocalPostgresCluster cluster, KafkaTestClient kafka) =>
        new(kafka, cluster.ConnectionString, await cluster.CreateDatabaseAsync("cdc_capture"), $"cdc{Guid.NewGuid():N}"[..11]);

    /// <summary>Settings only (no database, no slot), for tests of the capture's own checks.</summary>
    public static CaptureTestSetup WithoutDatabase(KafkaTestClient kafka) =>
        new(kafka, "Host=127.0.0.1;Database=postgres", "Host=127.0.0.1;Port=1;Database=unused", "cdc");

    /// <summary>Creates the change topics with <paramref name="partitions"/> partitions (the capture would auto-create them on the mock).</summary>
    public async Task CreateChangeTopicsAsync(int partitions = 6)
    {
        await Kafka.CreateTopicAsync(UsersTopic, partitions);
        await Kafka.CreateTopicAsync(OrdersTopic, partitions);
    }

    public Dictionary<string, string?> Settings(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = Kafka.BootstrapServers,
            ["ConnectionStrings:cdcdb"] = DatabaseConnectionString,
            ["Capture:TopicPrefix"] = TopicPrefix,
            ["Capture:SlotName"] = SlotName,
            ["Capture:OffsetsTopic"] = OffsetsTopic,
            ["Capture:RetryMaxDelay"] = "00:00:01",
            ["Capture:AdminTimeout"] = "00:00:10",
            ["Capture:HeartbeatInterval"] = "00:00:10",
            ["Aspire:Confluent:Kafka:Producer:Config:linger.ms"] = "2",
            ["Aspire:Confluent:Kafka:Producer:Config:topic.metadata.refresh.interval.ms"] = "1000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, for the capture started as its own process.</summary>
    public Dictionary<string, string?> EnvironmentVariables(IDictionary<string, string?>? overrides = null) =>
        Settings(overrides).ToDictionary(entry => entry.Key.Replace(":", "__", StringComparison.Ordinal), entry => entry.Value);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(DatabaseConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString ?? DatabaseConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The slot's <c>confirmed_flush_lsn</c> as a number, or null when the slot does not exist.</summary>
    public async Task<ulong?> ConfirmedFlushLsnAsync()
    {
        await using var connection = new NpgsqlConnection(Unpooled(AdminConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::text FROM pg_replication_slots WHERE slot_name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SlotName });
        return await command.ExecuteScalarAsync() is string text ? ulong.Parse(text, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The test's own connections are not pooled: a server a test restarts leaves no broken pooled connection behind.</summary>
    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Waits (bounded) until the slot is not in use, then drops it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Database == "unused")
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Unpooled(AdminConnectionString));
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = SlotName });
            await command.ExecuteNonQueryAsync();
            await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = SlotName });
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(200);
        }
    }
}
