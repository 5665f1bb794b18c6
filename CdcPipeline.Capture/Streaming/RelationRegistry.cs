using CdcPipeline.Capture.Schema;
using Npgsql.Replication.PgOutput.Messages;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// The relations of one replication session: pgoutput sends a Relation message before a table's first change in the
/// session and again after its definition changed; each makes a new <see cref="RelationVersion"/>.
/// </summary>
/// <remarks>
/// pgoutput keeps apart what it told about a relation inside a streamed, uncommitted transaction (which may have
/// altered the table) and outside it: a Relation message within a stream applies to that transaction only, and the
/// transactions sent after their commit keep the shape last described outside any stream.
/// </remarks>
internal sealed class RelationRegistry(IReadOnlySet<TableId> captured)
{
    private readonly Dictionary<uint, RelationVersion> _current = [];
    private readonly Dictionary<uint, Dictionary<uint, RelationVersion>> _streamed = [];
    private readonly List<RelationVersion> _versions = [];

    public RelationVersion this[int versionId] => _versions[versionId];

    /// <summary>Registers a Relation message; <paramref name="streamXid"/> is the streamed transaction it arrived in, if any.</summary>
    public RelationVersion Register(RelationMessage message, uint? streamXid)
    {
        var table = new TableId(message.Namespace, message.RelationName);
        var columns = message.Columns.Select(c => new SourceColumn(c.ColumnName, c.DataTypeId, c.TypeModifier)).ToArray();
        var version = new RelationVersion(_versions.Count, message.RelationId, table, captured.Contains(table), columns);
        _versions.Add(version);
        if (streamXid is { } xid)
        {
            if (!_streamed.TryGetValue(xid, out var overlay))
            {
                _streamed[xid] = overlay = [];
            }

            overlay[message.RelationId] = version;
        }
        else
        {
            _current[message.RelationId] = version;
        }

        return version;
    }

    public RelationVersion Current(uint relationId, uint? streamXid)
    {
        if (streamXid is { } xid && _streamed.TryGetValue(xid, out var overlay) && overlay.TryGetValue(relationId, out var streamed))
        {
            return streamed;
        }

        return _current.TryGetValue(relationId, out var version)
            ? version
            : throw new InvalidOperationException($"pgoutput sent a change of relation {relationId} before describing it in a Relation message.");
    }

    /// <summary>The streamed transaction ended (committed or aborted): what was described inside it is forgotten.</summary>
    public void EndStream(uint xid) => _streamed.Remove(xid);
}
