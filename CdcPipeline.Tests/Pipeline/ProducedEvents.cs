using System.Globalization;
using System.Text.Json;
using CdcPipeline.Tests.Consumer;
using CdcPipeline.Tests.Infrastructure.Kafka;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>The events the Producer sent, as read back from the <c>users</c> and <c>orders</c> topics.</summary>
internal static class ProducedEvents
{
    /// <summary>Both topics' records in the order the Producer generated them (its event times strictly increase).</summary>
    public static IReadOnlyList<WireEvent> InGeneratedOrder(IEnumerable<KafkaRecord> users, IEnumerable<KafkaRecord> orders) =>
        users.Select(r => new WireEvent(true, r.KeyString!, r.ValueString!))
            .Concat(orders.Select(r => new WireEvent(false, r.KeyString!, r.ValueString!)))
            .OrderBy(EventTime)
            .ToList();

    private static DateTimeOffset EventTime(WireEvent wire)
    {
        using var document = JsonDocument.Parse(wire.Json);
        foreach (var name in new[] { "modified_at", "created_at", "placed_at" })
        {
            if (document.RootElement.TryGetProperty(name, out var value))
            {
                return DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"An event without a time: {wire.Json}");
    }
}
