using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// The changes of one in-progress transaction that PostgreSQL streams (pgoutput protocol 2, streaming on), kept in a
/// temporary file until its StreamCommit, so a transaction never has to fit in memory. A StreamAbort of a
/// subtransaction marks its changes to be skipped; of the whole transaction, drops the file.
/// </summary>
/// <remarks>
/// Nothing can be published before the commit: <c>source.ts_ms</c> is the commit time, which only StreamCommit
/// carries, and an aborted transaction must publish nothing. The file is deleted when the spool is disposed (and a
/// crashed process's files are removed when the next session starts).
/// </remarks>
internal sealed class TransactionSpool : IDisposable
{
    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private readonly HashSet<uint> _abortedSubtransactions = [];

    public TransactionSpool(uint xid, string directory)
    {
        Xid = xid;
        Path = System.IO.Path.Combine(directory, $"{xid}-{Guid.NewGuid():N}.spool");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _writer = new BinaryWriter(_file);
    }

    public uint Xid { get; }

    public string Path { get; }

    public long Entries { get; private set; }

    public void AppendChange(uint xid, ulong lsn, int versionId, ChangeKind kind, RowImage? oldRow, RowImage? newRow)
    {
        WriteHead(SpooledEntryType.Change, xid, lsn);
        _writer.Write(versionId);
        _writer.Write((byte)kind);
        _writer.Write((byte)((oldRow is null ? 0 : 1) | (newRow is null ? 0 : 2)));
        if (oldRow is not null)
        {
            WriteRow(oldRow);
        }

        if (newRow is not null)
        {
            WriteRow(newRow);
        }
    }

    public void AppendTruncate(uint xid, ulong lsn, IReadOnlyList<int> versionIds)
    {
        WriteHead(SpooledEntryType.Truncate, xid, lsn);
        _writer.Write(versionIds.Count);
        foreach (var id in versionIds)
        {
            _writer.Write(id);
        }
    }

    /// <summary>A change of a table that is not captured (<paramref name="versionId"/>), or a transactional message (-1).</summary>
    public void AppendOther(uint xid, ulong lsn, int versionId)
    {
        WriteHead(SpooledEntryType.Other, xid, lsn);
        _writer.Write(versionId);
    }

    /// <summary>The subtransaction <paramref name="subtransactionXid"/> rolled back: its changes are skipped at the commit.</summary>
    public void AbortSubtransaction(uint subtransactionXid) => _abortedSubtransactions.Add(subtransactionXid);

    /// <summary>Reads the entries back in order, skipping those of aborted subtransactions.</summary>
    public IEnumerable<SpooledEntry> ReadCommitted()
    {
        _writer.Flush();
        _file.Position = 0;
        using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        var entry = new SpooledEntry();
        for (long i = 0; i < Entries; i++)
        {
            entry.Type = (SpooledEntryType)reader.ReadByte();
            entry.Xid = reader.ReadUInt32();
            entry.Lsn = reader.ReadUInt64();
            switch (entry.Type)
            {
                case SpooledEntryType.Change:
                    entry.VersionId = reader.ReadInt32();
                    entry.Kind = (ChangeKind)reader.ReadByte();
                    var rows = reader.ReadByte();
                    entry.HasOldRow = (rows & 1) != 0;
                    entry.HasNewRow = (rows & 2) != 0;
                    if (entry.HasOldRow)
                    {
                        ReadRow(reader, entry.OldRow);
                    }

                    if (entry.HasNewRow)
                    {
                        ReadRow(reader, entry.NewRow);
                    }

                    break;
                case SpooledEntryType.Other:
                    entry.VersionId = reader.ReadInt32();
                    break;
                case SpooledEntryType.Truncate:
                    entry.TruncatedVersions.Clear();
                    var count = reader.ReadInt32();
                    for (var t = 0; t < count; t++)
                    {
                        entry.TruncatedVersions.Add(reader.ReadInt32());
                    }

                    break;
            }

            if (!_abortedSubtransactions.Contains(entry.Xid))
            {
                yield return entry;
            }
        }
    }

    private void WriteHead(SpooledEntryType type, uint xid, ulong lsn)
    {
        _writer.Write((byte)type);
        _writer.Write(xid);
        _writer.Write(lsn);
        Entries++;
    }

    private void WriteRow(RowImage row)
    {
        _writer.Write((ushort)row.Count);
        for (var i = 0; i < row.Count; i++)
        {
            var kind = row.Kind(i);
            _writer.Write((byte)kind);
            if (kind == ColumnValueKind.Value)
            {
                var value = row.Value(i);
                _writer.Write(value.Length);
                _writer.Write(value);
            }
        }
    }

    private static void ReadRow(BinaryReader reader, RowImage row)
    {
        row.Reset(reader.ReadUInt16());
        for (var i = 0; i < row.Count; i++)
        {
            switch ((ColumnValueKind)reader.ReadByte())
            {
                case ColumnValueKind.Value:
                    var length = reader.ReadInt32();
                    reader.BaseStream.ReadExactly(row.Allocate(i, length).Span);
                    break;
                case ColumnValueKind.Null:
                    row.SetNull(i);
                    break;
                default:
                    row.SetUnchangedToast(i);
                    break;
            }
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}
