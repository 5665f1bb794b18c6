using CdcPipeline.Consumer.Processing;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// A dead letter Kafka does not take yet holds its partition, and the consumer says so in its health; one Kafka
/// refuses for good stops the consumer with the reason (<see cref="KafkaDeadLetterPolicy"/>).
/// </summary>
public sealed class DeadLetterHealthTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_failing_dead_letter_publish_reports_unhealthy_naming_the_reason_until_it_succeeds()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var sink = new RefusingSink();
        await using var consumer = await ConsumerHost.StartAsync(setup, configureServices: services =>
            services.AddSingleton<IDeadLetterSink>(provider =>
            {
                sink.Inner = new KafkaDeadLetterSink(provider.GetRequiredService<KafkaDeadLetterPublisher>());
                return sink;
            }));
        var health = consumer.Services.GetRequiredService<HealthCheckService>();

        await setup.ProduceUserAsync("poison", "[1,2,3]");
        var unhealthy = await WaitForHealthAsync(health, HealthStatus.Unhealthy);
        Assert.Contains("Dead-letter publishing fails", unhealthy.Entries["consumer"].Description, StringComparison.Ordinal);
        Assert.Contains(RefusingSink.Error, unhealthy.Entries["consumer"].Description, StringComparison.Ordinal);

        sink.Refusing = false;
        await WaitForHealthAsync(health, HealthStatus.Healthy);
        var deadLetters = await setup.Kafka.ConsumeAllAsync(setup.UsersDeadLetterTopic, 1, TimeSpan.FromSeconds(30));
        Assert.Single(deadLetters);
    }

    [Fact]
    public async Task A_dead_letter_kafka_refuses_for_good_stops_the_consumer_with_the_reason()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            // librdkafka's smallest message.max.bytes: the dead letter below is larger, and under the truncation limit.
            ["Aspire:Confluent:Kafka:DeadLetter:Config:message.max.bytes"] = "1000",
        });
        var health = consumer.Services.GetRequiredService<HealthCheckService>();
        var exitCode = Environment.ExitCode; // set to 1 by the stop; process-wide, so not asserted here
        try
        {
            await setup.ProduceUserAsync("poison", "not json " + new string('x', 4000));

            await consumer.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            var entry = (await health.CheckHealthAsync(r => r.Name == "consumer", TestContext.Current.CancellationToken)).Entries["consumer"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains("MsgSizeTooLarge", entry.Description, StringComparison.Ordinal);
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    private static async Task<HealthReport> WaitForHealthAsync(HealthCheckService health, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HealthReport? report = null;
        while (DateTime.UtcNow < deadline)
        {
            report = await health.CheckHealthAsync(registration => registration.Name == "consumer", TestContext.Current.CancellationToken);
            if (report.Status == status)
            {
                return report;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The consumer health check never became {status} (last: {report?.Status}).");
        return report!;
    }

    /// <summary>The real dead-letter sink behind a switch that makes every publish fail while it is on.</summary>
    private sealed class RefusingSink : IDeadLetterSink
    {
        public const string Error = "the dead-letter topic's leader is not available (test)";

        public IDeadLetterSink Inner { get; set; } = null!;

        public volatile bool Refusing = true;

        public string DeadLetterTopic(string originTopic) => Inner.DeadLetterTopic(originTopic);

        public Task PublishAsync(ConsumeResult<byte[]?, byte[]?> origin, KafkaDeadLetterReason reason, CancellationToken cancellationToken) =>
            Refusing ? throw new KafkaException(new Error(ErrorCode.LeaderNotAvailable, Error)) : Inner.PublishAsync(origin, reason, cancellationToken);
    }
}
