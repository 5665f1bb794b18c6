namespace CdcPipeline.CassandraSink.Writing;

/// <summary>A statement the sink runs, prepared once per session; its CQL has no <c>USING TIMESTAMP</c>.</summary>
internal sealed record SinkStatement(string Name, string Table, string Cql);
