namespace CdcPipeline.Capture.Streaming;

/// <summary>The kinds of entry a <see cref="TransactionSpool"/> holds.</summary>
internal enum SpooledEntryType : byte
{
    /// <summary>An insert, update or delete of a captured table.</summary>
    Change = (byte)'C',

    /// <summary>A TRUNCATE of one or more captured tables.</summary>
    Truncate = (byte)'T',

    /// <summary>Something that is not published but makes the transaction non-empty (a change of another table, a message).</summary>
    Other = (byte)'O',
}
