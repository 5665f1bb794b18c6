using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Events written byte for byte as the original Go producer writes them are applied with the original's meaning.</summary>
public sealed class GoWireFormatTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string Ada = "4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61";
    private const string Grace = "9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52";
    private const string Book = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e63";
    private const string Lamp = "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f74";

    [Fact]
    public async Task Events_in_the_original_producers_exact_json_are_applied()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        await using var consumer = await ConsumerHost.StartAsync(setup);

        await setup.ProduceUserAsync(Ada, """{"event_type":"CREATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada Lovelace","dob":"1990-05-17","created_at":"2024-03-01T10:15:30.123456789+05:30"}""");
        await setup.ProduceUserAsync(Ada, """{"event_type":"UPDATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada King","modified_at":"2024-03-01T09:00:00.5-07:00"}""");
        await setup.ProduceUserAsync(Grace, """{"event_type":"CREATE","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","name":"Grace Hopper","dob":"1906-12-09","created_at":"2024-03-01T04:50:00Z"}""");
        await setup.ProduceUserAsync(Grace, """{"event_type":"DELETE","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","modified_at":"2024-03-01T20:00:00.000001-04:00"}""");
        await setup.ProduceOrderAsync(Book, """{"event_type":"CREATE","order_id":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e63","order_status":"PLACED","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","quantity":7,"order_total":186.41850000000002,"placed_at":"2024-03-01T11:00:00.987654321+05:30"}""");
        await setup.ProduceOrderAsync(Book, """{"event_type":"UPDATE","order_id":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e63","order_status":"SHIPPED","modified_at":"2024-03-01T12:00:00+01:00"}""");
        await setup.ProduceOrderAsync(Lamp, """{"event_type":"CREATE","order_id":"d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f74","order_status":"PLACED","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","quantity":1,"order_total":12,"placed_at":"2024-03-01T05:30:00.1Z"}""");
        await setup.ProduceOrderAsync(Lamp, """{"event_type":"DELETE","order_id":"d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f74","order_status":"CANCELLED","modified_at":"2024-03-01T07:00:00-03:30"}""");

        await tables.WaitUntilAsync(
            async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users WHERE modified_at IS NOT NULL") == 2
                && await tables.ScalarAsync<long>("SELECT count(*) FROM orders WHERE modified_at IS NOT NULL") == 2,
            "every event applied");

        Assert.Equal(
            [
                $"{Ada} | Ada King | 1990-05-17 | 2024-03-01T04:45:30.123456Z | 2024-03-01T16:00:00.500000Z | False",
                $"{Grace} | Grace Hopper | 1906-12-09 | 2024-03-01T04:50:00.000000Z | 2024-03-02T00:00:00.000001Z | True",
            ],
            await tables.UsersAsync());
        Assert.Equal(
            [
                $"{Book} | SHIPPED | {Ada} | 7 | 186.42 | 2024-03-01T05:30:00.987654Z | 2024-03-01T11:00:00.000000Z | False",
                $"{Lamp} | CANCELLED | {Ada} | 1 | 12.00 | 2024-03-01T05:30:00.100000Z | 2024-03-01T10:30:00.000000Z | True",
            ],
            await tables.OrdersAsync());
    }
}
