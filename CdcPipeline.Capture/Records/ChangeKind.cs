namespace CdcPipeline.Capture.Records;

/// <summary>Debezium's <c>op</c> codes (Envelope.Operation) of the records the capture publishes.</summary>
internal enum ChangeKind : byte
{
    Read = (byte)'r',
    Create = (byte)'c',
    Update = (byte)'u',
    Delete = (byte)'d',
    Truncate = (byte)'t',
}
