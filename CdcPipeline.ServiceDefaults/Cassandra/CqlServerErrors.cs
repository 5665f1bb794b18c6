namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2000: the statement does not parse.</summary>
public sealed class CqlSyntaxException(string serverMessage) : CqlServerException(CqlErrorCode.SyntaxError, serverMessage);

/// <summary>0x2200: the statement parses but is invalid (unknown table or keyspace, wrong value type, ...).</summary>
public sealed class CqlInvalidQueryException(string serverMessage) : CqlServerException(CqlErrorCode.Invalid, serverMessage);

/// <summary>0x0100: the credentials were rejected.</summary>
public sealed class CqlAuthenticationException(string serverMessage) : CqlServerException(CqlErrorCode.AuthenticationError, serverMessage);

/// <summary>0x2100: the user lacks a permission.</summary>
public sealed class CqlUnauthorizedException(string serverMessage) : CqlServerException(CqlErrorCode.Unauthorized, serverMessage);

/// <summary>0x000A: the server rejected a message as a protocol violation.</summary>
public sealed class CqlProtocolErrorException(string serverMessage) : CqlServerException(CqlErrorCode.ProtocolError, serverMessage);

/// <summary>0x2500: the server does not know the prepared statement id (the session re-prepares transparently).</summary>
public sealed class CqlUnpreparedException(string serverMessage, byte[] unknownId) : CqlServerException(CqlErrorCode.Unprepared, serverMessage)
{
    public byte[] UnknownId { get; } = unknownId;
}

/// <summary>0x2400: CREATE of a keyspace or table that exists (Table is empty for a keyspace).</summary>
public sealed class CqlAlreadyExistsException(string serverMessage, string keyspace, string table)
    : CqlServerException(CqlErrorCode.AlreadyExists, serverMessage)
{
    public string Keyspace { get; } = keyspace;

    public string Table { get; } = table;
}

/// <summary>0x1000: not enough replicas alive for the consistency level.</summary>
public sealed class CqlUnavailableException(string serverMessage, CqlConsistency consistency, int required, int alive)
    : CqlServerException(CqlErrorCode.Unavailable, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Required { get; } = required;

    public int Alive { get; } = alive;
}

/// <summary>0x1100 / 0x1200: replicas did not answer in time (the write or read may or may not have been applied).</summary>
public sealed class CqlServerTimeoutException(CqlErrorCode code, string serverMessage, CqlConsistency consistency, int received, int blockFor)
    : CqlServerException(code, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Received { get; } = received;

    public int BlockFor { get; } = blockFor;

    /// <summary>Write_timeout only: the kind of write (SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS, VIEW, CDC).</summary>
    public string? WriteType { get; init; }

    /// <summary>Read_timeout only: whether the replica asked for the data answered.</summary>
    public bool? DataPresent { get; init; }
}

/// <summary>0x1300 / 0x1500: replicas answered with a failure (the write may or may not have been applied on others).</summary>
public sealed class CqlServerFailureException(CqlErrorCode code, string serverMessage, CqlConsistency consistency, int received, int blockFor, int failures)
    : CqlServerException(code, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Received { get; } = received;

    public int BlockFor { get; } = blockFor;

    /// <summary>How many replicas failed.</summary>
    public int Failures { get; } = failures;

    /// <summary>Write_failure only: the kind of write, as in <see cref="CqlServerTimeoutException.WriteType"/>.</summary>
    public string? WriteType { get; init; }

    /// <summary>Read_failure only: whether the replica asked for the data answered.</summary>
    public bool? DataPresent { get; init; }
}

/// <summary>0x1400: a user-defined function failed.</summary>
public sealed class CqlFunctionFailureException(string serverMessage, string keyspace, string function, IReadOnlyList<string> argumentTypes)
    : CqlServerException(CqlErrorCode.FunctionFailure, serverMessage)
{
    public string Keyspace { get; } = keyspace;

    public string Function { get; } = function;

    /// <summary>The CQL types of the function's arguments.</summary>
    public IReadOnlyList<string> ArgumentTypes { get; } = argumentTypes;
}
