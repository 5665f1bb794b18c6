using System.Text.Json;
using System.Text.RegularExpressions;
using CdcPipeline.ServiceDefaults.Outages;
using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// librdkafka's connection failures told as outages of the broker they concern (<c>Kafka at host:port</c>), shared
/// by every client of the process: each refused or broken connection counts as an attempt, and the outage ends when
/// a client's statistics show that broker up again.
/// </summary>
internal static partial class KafkaBrokerOutages
{
    /// <summary><c>statistics.interval.ms</c> of a producer that configures none: how soon a broker's recovery is told.</summary>
    public const string StatisticsIntervalMs = "5000";

    /// <summary>
    /// Reports <paramref name="error"/> to its broker's outage when it is a connection failure; returns whether it
    /// was one (or the "all brokers down" that those outages already tell), so the caller does not log it again.
    /// </summary>
    public static bool TryReport(DependencyOutages outages, string bootstrapServers, Error error)
    {
        switch (error.Code)
        {
            case ErrorCode.Local_AllBrokersDown:
                return true;
            case ErrorCode.Local_Transport or ErrorCode.Local_Resolve or ErrorCode.Local_Ssl or ErrorCode.Local_Authentication:
                var (address, reason) = Split(error.Reason, bootstrapServers);
                outages.For(Dependency(address)).Failed(reason);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Ends the outage of every broker that librdkafka's statistics report connected (state <c>UP</c>).</summary>
    public static void ReadStatistics(DependencyOutages outages, string statisticsJson)
    {
        using var document = JsonDocument.Parse(statisticsJson);
        if (!document.RootElement.TryGetProperty("brokers", out var brokers) || brokers.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var broker in brokers.EnumerateObject())
        {
            if (broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP")
                && broker.Value.TryGetProperty("nodename", out var node) && node.GetString() is { Length: > 0 } address)
            {
                outages.Succeeded(Dependency(address));
            }
        }
    }

    public static string Dependency(string address) => DependencyOutages.Name("Kafka", address);

    /// <summary>
    /// librdkafka names the broker first (<c>localhost:9092/bootstrap: Connect to ... failed</c>, or with the broker
    /// id); a reason that does not is the cluster's, named by its bootstrap servers.
    /// </summary>
    private static (string Address, string Reason) Split(string reason, string bootstrapServers)
    {
        var match = BrokerPrefix().Match(reason);
        return match.Success ? (match.Groups["address"].Value, match.Groups["reason"].Value) : (bootstrapServers, reason);
    }

    [GeneratedRegex(@"^(?:[a-z_]+://)?(?<address>[^\s/]+:\d+)/[^\s:]+: (?<reason>.+)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex BrokerPrefix();
}
