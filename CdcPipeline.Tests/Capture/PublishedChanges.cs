using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;

namespace CdcPipeline.Tests.Capture;

/// <summary>A change record of the users topic (schemas off) as the tests check it.</summary>
internal sealed record PublishedChange(Guid Id, string Op, string? Version, long Lsn, string Value)
{
    /// <summary>The change records (tombstones left out) of users, per user in topic order.</summary>
    public static Dictionary<Guid, List<PublishedChange>> PerUser(IEnumerable<KafkaRecord> records) =>
        records
            .Where(r => r.Value is not null)
            .OrderBy(r => r.Partition).ThenBy(r => r.Offset)
            .Select(Parse)
            .Where(c => c is not null)
            .GroupBy(c => c!.Id)
            .ToDictionary(g => g.Key, g => g.Select(c => c!).ToList());

    private static PublishedChange? Parse(KafkaRecord record)
    {
        var root = JsonDocument.Parse(record.Value!).RootElement;
        var op = root.GetProperty("op").GetString()!;
        if (op == "t")
        {
            return null;
        }

        var row = op == "d" ? root.GetProperty("before") : root.GetProperty("after");
        return new PublishedChange(
            row.GetProperty("id").GetGuid(),
            op,
            op == "d" ? null : row.GetProperty("name").GetString(),
            root.GetProperty("source").GetProperty("lsn").GetInt64(),
            record.ValueString!);
    }
}
