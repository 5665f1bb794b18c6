namespace CdcPipeline.Consumer.Decoding;

/// <summary>Either a change to apply or the reason the message cannot be applied.</summary>
internal readonly record struct DecodeResult(EntityChange? Change, string? Error)
{
    public static DecodeResult Valid(EntityChange change) => new(change, null);

    public static DecodeResult Invalid(string error) => new(null, error);
}
