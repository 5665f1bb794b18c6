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
