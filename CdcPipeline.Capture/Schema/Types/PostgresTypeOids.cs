namespace CdcPipeline.Capture.Schema.Types;

/// <summary>The built-in type OIDs the capture maps (<c>pg_type.oid</c>, fixed since PostgreSQL 7).</summary>
internal static class PostgresTypeOids
{
    public const uint Bool = 16;
    public const uint Bytea = 17;
    public const uint Int8 = 20;
    public const uint Int2 = 21;
    public const uint Int4 = 23;
    public const uint Text = 25;
    public const uint Json = 114;
    public const uint Bpchar = 1042;
    public const uint Varchar = 1043;
    public const uint Date = 1082;
    public const uint Timestamp = 1114;
    public const uint Timestamptz = 1184;
    public const uint Numeric = 1700;
    public const uint Uuid = 2950;
    public const uint Jsonb = 3802;
}
