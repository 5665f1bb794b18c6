namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2400: CREATE of a keyspace or table that exists (Table is empty for a keyspace).</summary>
internal sealed class CqlAlreadyExistsException(string serverMessage, string keyspace, string table)
    : CqlServerException(CqlErrorCode.AlreadyExists, serverMessage)
{
    public string Keyspace { get; } = keyspace;

    public string Table { get; } = table;
}
