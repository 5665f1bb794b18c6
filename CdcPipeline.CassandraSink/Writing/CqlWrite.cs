namespace CdcPipeline.CassandraSink.Writing;

/// <summary>One CQL write a change causes: a statement, its values, the write timestamp and the partition it touches.</summary>
/// <param name="Values">The statement's values except the timestamp (see <see cref="SinkStatement.Bind"/>).</param>
/// <param name="Partition">The Cassandra partition written, <c>table/partition key</c>: writes of one partition share an unlogged batch.</param>
internal sealed record CqlWrite(SinkStatement Statement, object?[] Values, long Timestamp, string Partition);
