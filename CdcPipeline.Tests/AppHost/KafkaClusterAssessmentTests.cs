using CdcPipeline.AppHost.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The cluster health check's decision, from what each broker's address answered.</summary>
public sealed class KafkaClusterAssessmentTests
{
    private static readonly BrokerMetadata[] s_all = [Broker(1), Broker(2), Broker(3)];

    [Fact]
    public void Every_broker_seeing_all_three_is_one_healthy_cluster()
    {
        var result = KafkaClusterAssessment.Assess([Answer(1, s_all), Answer(2, s_all), Answer(3, s_all)], expectedBrokers: 3);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("3 of 3 brokers, one cluster: 1@localhost:40001, 2@localhost:40002, 3@localhost:40003", result.Description);
    }

    [Fact]
    public void Brokers_that_each_see_only_themselves_are_a_split_quorum_with_the_way_out()
    {
        var result = KafkaClusterAssessment.Assess([Answer(1, [Broker(1)]), Answer(2, [Broker(2)]), Answer(3, [Broker(3)])], expectedBrokers: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(
            "The brokers do not form one cluster: localhost:40001 (broker 1) sees only broker 1; localhost:40002 (broker 2) sees only broker 2; "
            + "localhost:40003 (broker 3) sees only broker 3. Each KRaft node formed a quorum of its own, as a node does whose storage was "
            + "formatted with --standalone. Stop the AppHost, delete the kafka-*-data volumes (README: Persistent data and resetting it) and "
            + "start again: the AppHost formats them with the static voters.",
            result.Description);
    }

    [Fact]
    public void A_broker_still_joining_is_unhealthy_without_blaming_the_quorum()
    {
        BrokerMetadata[] two = [Broker(1), Broker(2)];

        var result = KafkaClusterAssessment.Assess([Answer(1, two), Answer(2, two), Answer(3, two)], expectedBrokers: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("2 of 3 brokers have joined: localhost:40001 (broker 1) sees brokers 1, 2;", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("quorum", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Brokers_that_all_see_the_first_to_register_are_still_joining_not_split()
    {
        var result = KafkaClusterAssessment.Assess([Answer(1, [Broker(1)]), Answer(2, [Broker(1)]), Answer(3, [Broker(1)])], expectedBrokers: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("1 of 3 brokers have joined", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Brokers_that_disagree_are_unhealthy_showing_each_view()
    {
        var result = KafkaClusterAssessment.Assess([Answer(1, s_all), Answer(2, [Broker(2)]), Answer(3, s_all)], expectedBrokers: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("localhost:40002 (broker 2) sees only broker 2", result.Description, StringComparison.Ordinal);
        Assert.Contains("localhost:40001 (broker 1) sees brokers 1, 2, 3", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broker_that_does_not_answer_is_named_with_its_reason()
    {
        var result = KafkaClusterAssessment.Assess(
            [Answer(1, s_all), BrokerAnswer.Failed("localhost:40002", "metadata request failed: Local: Broker transport failure"), Answer(3, s_all)],
            expectedBrokers: 3);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("2 of 3 brokers answer: localhost:40002 does not: metadata request failed: Local: Broker transport failure", result.Description);
    }

    private static BrokerMetadata Broker(int id) => new(id, "localhost", 40_000 + id);

    private static BrokerAnswer Answer(int id, BrokerMetadata[] brokers) => new($"localhost:{40_000 + id}", id, brokers);
}
