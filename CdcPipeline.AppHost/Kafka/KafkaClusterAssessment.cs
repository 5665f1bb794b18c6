using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// Decides from every broker's own answer whether the brokers form one cluster: healthy only when each bootstrap
/// address answers and lists the same <c>expectedBrokers</c> brokers.
/// </summary>
/// <remarks>
/// A broker registers through the controller quorum's metadata log, and it lists the brokers that log holds. Every
/// broker listing all three therefore means the three share one metadata log: one quorum of the three voters. A node
/// whose storage was formatted as a quorum of its own (<c>--standalone</c>, KAFKA-19489) elects itself, registers in
/// its own log only and lists only itself; a broker still joining is missing from the others' lists. Kafka's client
/// protocol has no portable request for the voter set here (librdkafka has no DescribeQuorum), so the brokers'
/// lists are the evidence.
/// </remarks>
internal static class KafkaClusterAssessment
{
    public static HealthCheckResult Assess(IReadOnlyList<BrokerAnswer> answers, int expectedBrokers)
    {
        ArgumentNullException.ThrowIfNull(answers);

        var silent = answers.Where(a => !a.Answered).ToArray();
        if (silent.Length > 0)
        {
            return HealthCheckResult.Unhealthy(
                $"{answers.Count - silent.Length} of {answers.Count} brokers answer: "
                + string.Join("; ", silent.Select(a => $"{a.Address} does not: {a.Error}")));
        }

        var views = answers.Select(a => a.BrokerIds).ToArray();
        var agreed = views.All(v => v.SequenceEqual(views[0]));
        if (agreed && views[0].Count >= expectedBrokers)
        {
            var brokers = answers[0].Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.BrokerId}@{b.Host}:{b.Port}");
            return HealthCheckResult.Healthy($"{views[0].Count} of {expectedBrokers} brokers, one cluster: {string.Join(", ", brokers)}");
        }

        var seen = string.Join("; ", answers.Select(a => $"{a.Address}{AnsweredBy(a)} sees {Describe(a.BrokerIds)}"));
        if (expectedBrokers > 1 && answers.Count > 1 && answers.All(SeesOnlyItself))
        {
            return HealthCheckResult.Unhealthy(
                $"The brokers do not form one cluster: {seen}. Each KRaft node formed a quorum of its own, as a node does whose storage "
                + "was formatted with --standalone. Stop the AppHost, delete the kafka-*-data volumes (README: Persistent data and resetting it) "
                + "and start again: the AppHost formats them with the static voters.");
        }

        var largest = views.Max(v => v.Count);
        return HealthCheckResult.Unhealthy($"{largest} of {expectedBrokers} brokers have joined: {seen}.");
    }

    // The broker listed is the one asked: its id, or the address it advertises on the listener that was asked.
    private static bool SeesOnlyItself(BrokerAnswer answer) =>
        answer.Brokers is [var broker]
        && (broker.BrokerId == answer.AnsweredBy || string.Equals($"{broker.Host}:{broker.Port}", answer.Address, StringComparison.OrdinalIgnoreCase));

    // librdkafka names the broker that answered once it knows its id; a bootstrap connection may not know it yet.
    private static string AnsweredBy(BrokerAnswer answer) => answer.AnsweredBy >= 0 ? $" (broker {answer.AnsweredBy})" : string.Empty;

    private static string Describe(IReadOnlyList<int> ids) => ids.Count switch
    {
        0 => "no broker",
        1 => $"only broker {ids[0]}",
        _ => $"brokers {string.Join(", ", ids)}",
    };
}
