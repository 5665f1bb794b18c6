using System.Text;

namespace CdcPipeline.Tests.Reliability;

/// <summary>What the checker found once the pipeline drained.</summary>
internal sealed record PipelineFindings
{
    public int UserEvents { get; init; }

    public int OrderEvents { get; init; }

    public int Events => UserEvents + OrderEvents;

    /// <summary>The same event twice on its topic (the Producer is idempotent: none expected).</summary>
    public int DuplicateEvents { get; init; }

    /// <summary>Events the Producer processes logged as acknowledged by Kafka (a lower bound: a killed one logged its last count up to a second before).</summary>
    public long AcknowledgedEvents { get; init; }

    /// <summary>Acknowledgements a Producer logged whose offset on the topic holds no record of that key.</summary>
    public IReadOnlyList<string> AcknowledgedNotOnTopic { get; init; } = [];

    public IReadOnlyList<string> RetentionDrops { get; init; } = [];

    public IReadOnlyList<RowComparison> Postgres { get; init; } = [];

    public IReadOnlyList<RowComparison> Cassandra { get; init; } = [];

    public int ExpectedDeadLetters { get; init; }

    public int MissingDeadLetters { get; init; }

    public int DeadLetters { get; init; }

    public IReadOnlyList<string> UnexpectedDeadLetters { get; init; } = [];

    public int DeadLettersWithoutReason { get; init; }

    /// <summary>Acknowledged events not on their topic, rows missing in PostgreSQL or Cassandra, orders neither applied nor dead-lettered.</summary>
    public long Lost => Math.Max(Math.Max(0, AcknowledgedEvents - Events), AcknowledgedNotOnTopic.Count) + Postgres.Concat(Cassandra).Sum(c => c.Missing) + MissingDeadLetters;

    /// <summary>Events twice on their topic, rows in PostgreSQL or Cassandra that no event implies.</summary>
    public long Doubled => DuplicateEvents + Postgres.Concat(Cassandra).Sum(c => c.Unexpected);

    public long Differing => Postgres.Concat(Cassandra).Sum(c => c.Differing);

    public bool Passed =>
        Lost == 0 && Doubled == 0 && Differing == 0 && RetentionDrops.Count == 0 && UnexpectedDeadLetters.Count == 0 && DeadLettersWithoutReason == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"  events: {Events} ({UserEvents} users, {OrderEvents} orders), {AcknowledgedEvents}+ acknowledged to the Producer, {DuplicateEvents} twice on their topic");
        foreach (var missing in AcknowledgedNotOnTopic.Take(5))
        {
            text.AppendLine($"  acknowledged, not on its topic: {missing}");
        }

        foreach (var drop in RetentionDrops)
        {
            text.AppendLine($"  retention dropped messages (volume too high for the mock cluster): {drop}");
        }

        foreach (var comparison in Postgres.Concat(Cassandra))
        {
            text.AppendLine($"  {comparison}");
        }

        text.AppendLine($"  dead letters: {DeadLetters} found, {ExpectedDeadLetters} expected (orders whose user never reached Kafka), {MissingDeadLetters} missing, {DeadLettersWithoutReason} without a reason, {UnexpectedDeadLetters.Count} not expected");
        foreach (var letter in UnexpectedDeadLetters.Take(5))
        {
            text.AppendLine($"      not expected: {letter}");
        }

        text.Append($"  lost {Lost}, doubled {Doubled}, differing {Differing}");
        return text.ToString();
    }
}
