using System.Globalization;
using System.Text.RegularExpressions;

namespace CdcPipeline.Tests.Reliability;

/// <summary>One event a Producer process logged as acknowledged by Kafka, with where Kafka put it.</summary>
internal sealed partial record ProducerAcknowledgement(string EventType, string Key, string Topic, int Partition, long Offset)
{
    /// <summary>Every acknowledgement in a Producer's output (its <c>Delivered …</c> debug lines).</summary>
    public static IEnumerable<ProducerAcknowledgement> In(string output) =>
        DeliveredLine().Matches(output).Select(m => new ProducerAcknowledgement(
            m.Groups["type"].Value,
            m.Groups["key"].Value,
            m.Groups["topic"].Value,
            int.Parse(m.Groups["partition"].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups["offset"].Value, CultureInfo.InvariantCulture)));

    public override string ToString() => $"{EventType} {Key} acknowledged at {Topic}[{Partition}]@{Offset}";

    [GeneratedRegex(@"Delivered (?<type>\w+) (?<key>\S+) to (?<topic>\S+) \[(?<partition>\d+)\] @(?<offset>-?\d+)")]
    private static partial Regex DeliveredLine();
}
