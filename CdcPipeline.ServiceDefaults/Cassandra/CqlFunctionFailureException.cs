namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x1400: a user-defined function failed.</summary>
internal sealed class CqlFunctionFailureException(string serverMessage, string keyspace, string function, IReadOnlyList<string> argumentTypes)
    : CqlServerException(CqlErrorCode.FunctionFailure, serverMessage)
{
    public string Keyspace { get; } = keyspace;

    public string Function { get; } = function;

    /// <summary>The CQL types of the function's arguments.</summary>
    public IReadOnlyList<string> ArgumentTypes { get; } = argumentTypes;
}
