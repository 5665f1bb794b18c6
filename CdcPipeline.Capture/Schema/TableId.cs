namespace CdcPipeline.Capture.Schema;

/// <summary>A table by schema and name, as <c>Capture:Tables</c> lists it (<c>public.users</c>).</summary>
internal readonly record struct TableId(string Schema, string Name)
{
    public override string ToString() => $"{Schema}.{Name}";

    /// <summary>Parses <c>schema.table</c>; a name without a schema is in <c>public</c>.</summary>
    public static bool TryParse(string text, out TableId table)
    {
        var trimmed = text.Trim();
        var dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        var schema = dot < 0 ? "public" : trimmed[..dot];
        var name = dot < 0 ? trimmed : trimmed[(dot + 1)..];
        table = new TableId(schema, name);
        return schema.Length > 0 && name.Length > 0 && !name.Contains('.', StringComparison.Ordinal);
    }
}
