using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

public sealed class ScratchTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Scratch()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.CreateChangeTopicsAsync();
        await setup.ExecuteAsync("""
            INSERT INTO users (id, name, dob, created_at, modified_at) VALUES
              ('6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 'Alice "A"', '1990-05-15', '2024-02-28 09:30:00.5+00', '2024-02-28 09:30:00.5+00'),
              ('7f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 'Bob', '1991-05-15', null, null);
            INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at) VALUES
              ('0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', 'PLACED', '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 2, 59.98, '2024-03-01 10:20:00.6+00');
            """);
        await using (var host = await CaptureHost.StartAsync(setup))
        {
            var snapshot = await kafka.ConsumeAllAsync(setup.OrdersTopic, 1, TimeSpan.FromSeconds(60));
            Assert.Single(snapshot);
            await setup.ExecuteAsync("UPDATE users SET name = 'Alice B' WHERE name = 'Bob'; DELETE FROM orders;");
            var users = await kafka.ConsumeAllAsync(setup.UsersTopic, 3, TimeSpan.FromSeconds(60));
            var orders = await kafka.ConsumeAllAsync(setup.OrdersTopic, 3, TimeSpan.FromSeconds(60));
            foreach (var r in users.Concat(orders))
            {
                TestContext.Current.TestOutputHelper!.WriteLine($"{r.Topic}[{r.Partition}] key={r.KeyString}\n value={r.ValueString}\n headers={string.Join(",", r.Headers.Select(h => h.Key + "=" + System.Text.Encoding.UTF8.GetString(h.Value)))}");
            }

            Assert.Equal(3, users.Count);
            Assert.Fail("show");
            Assert.Equal(3, orders.Count);
        }
    }
}
