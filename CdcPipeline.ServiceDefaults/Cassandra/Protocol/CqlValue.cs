namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>A serialized [value]: bytes, null (length -1) or "not set" (length -2, spec section 3).</summary>
internal readonly record struct CqlValue(byte[]? Bytes, bool IsUnset = false)
{
    public static readonly CqlValue Null = new(null);

    public static readonly CqlValue Unset = new(null, IsUnset: true);
}
