using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Streaming;

/// <summary>One entry read back from a <see cref="TransactionSpool"/>; reused from entry to entry.</summary>
internal sealed class SpooledEntry
{
    public SpooledEntryType Type { get; set; }

    /// <summary>The (sub)transaction the change belongs to.</summary>
    public uint Xid { get; set; }

    public ulong Lsn { get; set; }

    public int VersionId { get; set; }

    public ChangeKind Kind { get; set; }

    public RowImage OldRow { get; } = new();

    public RowImage NewRow { get; } = new();

    public bool HasOldRow { get; set; }

    public bool HasNewRow { get; set; }

    public List<int> TruncatedVersions { get; } = [];
}

internal enum SpooledEntryType : byte
{
    /// <summary>An insert, update or delete of a captured table.</summary>
    Change = (byte)'C',

    /// <summary>A TRUNCATE of one or more captured tables.</summary>
    Truncate = (byte)'T',

    /// <summary>Something that is not published but makes the transaction non-empty (a change of another table, a message).</summary>
    Other = (byte)'O',
}
