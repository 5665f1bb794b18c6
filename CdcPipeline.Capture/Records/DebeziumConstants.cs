namespace CdcPipeline.Capture.Records;

/// <summary>The fixed parts of Debezium 3.6.1's PostgreSQL records (see the research spec §1.4, §1.5, §12).</summary>
internal static class DebeziumConstants
{
    /// <summary><c>source.version</c>: Debezium's <c>Module.version()</c>.</summary>
    public const string Version = "3.6.1.Final";

    /// <summary><c>source.connector</c> and the <c>connectorName</c> header: <c>Module.name()</c>.</summary>
    public const string ConnectorName = "postgresql";

    /// <summary>The one task of <c>tasks.max=1</c>.</summary>
    public const string TaskId = "0";

    /// <summary>
    /// The Source struct (<c>io.debezium.connector.postgresql.Source</c>, version 1) with its 16 fields, as the
    /// envelope's <c>source</c> field.
    /// </summary>
    public static ReadOnlySpan<byte> SourceSchemaField =>
        """{"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":false,"field":"schema"},{"type":"string","optional":false,"field":"table"},{"type":"int64","optional":true,"field":"txId"},{"type":"int64","optional":true,"field":"lsn"},{"type":"int64","optional":true,"field":"xmin"},{"type":"string","optional":true,"field":"origin"},{"type":"int64","optional":true,"field":"origin_lsn"}],"optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"}"""u8;

    /// <summary>The transaction block (<c>event.block</c>, version 1); its value is always null (provide.transaction.metadata=false).</summary>
    public static ReadOnlySpan<byte> TransactionSchemaField =>
        """{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"}"""u8;

    /// <summary>The envelope's last four fields, which SchemaFactory appends.</summary>
    public static ReadOnlySpan<byte> OperationAndTimestampFields =>
        """{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"}"""u8;

    /// <summary><c>Envelope.SCHEMA_VERSION</c>.</summary>
    public const int EnvelopeVersion = 2;
}
