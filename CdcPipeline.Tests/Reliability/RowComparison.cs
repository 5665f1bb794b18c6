namespace CdcPipeline.Tests.Reliability;

/// <summary>One table compared row for row by key: rows missing, rows not expected, rows whose values differ.</summary>
internal sealed record RowComparison(string Table, int Expected, int Found, int Missing, int Unexpected, int Differing, IReadOnlyList<string> Examples)
{
    public bool IsEqual => Missing == 0 && Unexpected == 0 && Differing == 0;

    public static RowComparison Of<TRow, TKey>(string table, IReadOnlyCollection<TRow> expected, IReadOnlyCollection<TRow> found, Func<TRow, TKey> key)
        where TKey : notnull
    {
        var expectedByKey = expected.ToLookup(key);
        var foundByKey = found.ToLookup(key);
        var missing = expectedByKey.Where(g => !foundByKey.Contains(g.Key)).SelectMany(g => g).ToList();
        var unexpected = foundByKey.Where(g => !expectedByKey.Contains(g.Key)).SelectMany(g => g).ToList();
        var differing = expectedByKey.Where(g => foundByKey.Contains(g.Key) && !g.SequenceEqual(foundByKey[g.Key]))
            .Select(g => (Expected: g.First(), Found: foundByKey[g.Key].First()))
            .ToList();
        var examples = missing.Take(2).Select(r => $"missing {r}")
            .Concat(unexpected.Take(2).Select(r => $"not expected {r}"))
            .Concat(differing.Take(2).Select(d => $"expected {d.Expected}, found {d.Found}"))
            .ToList();
        return new RowComparison(table, expected.Count, found.Count, missing.Count, unexpected.Count, differing.Count, examples);
    }

    public override string ToString() =>
        $"{Table}: {Expected} rows expected, {Found} found, {Missing} missing, {Unexpected} not expected, {Differing} differ"
        + string.Concat(Examples.Select(e => $"\n      {e}"));
}
