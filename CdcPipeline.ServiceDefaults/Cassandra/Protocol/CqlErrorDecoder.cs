namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>Turns an ERROR body (spec section 4.2.1 and 9) into the matching exception.</summary>
internal static class CqlErrorDecoder
{
    public static CqlServerException Decode(byte[] body)
    {
        var reader = new CqlReader(body);
        var code = (CqlErrorCode)reader.ReadInt();
        var message = reader.ReadString();
        return code switch
        {
            CqlErrorCode.SyntaxError => new CqlSyntaxException(message),
            CqlErrorCode.Invalid => new CqlInvalidQueryException(message),
            CqlErrorCode.AuthenticationError => new CqlAuthenticationException(message),
            CqlErrorCode.Unauthorized => new CqlUnauthorizedException(message),
            CqlErrorCode.ProtocolError => new CqlProtocolErrorException(message),
            CqlErrorCode.Unprepared => new CqlUnpreparedException(message, reader.ReadShortBytes()),
            CqlErrorCode.AlreadyExists => new CqlAlreadyExistsException(message, reader.ReadString(), reader.ReadString()),
            CqlErrorCode.Unavailable => new CqlUnavailableException(message, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt()),
            CqlErrorCode.WriteTimeout =>
                new CqlServerTimeoutException(code, message, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt()) { WriteType = reader.ReadString() },
            CqlErrorCode.ReadTimeout =>
                new CqlServerTimeoutException(code, message, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt()) { DataPresent = reader.ReadByte() != 0 },
            CqlErrorCode.ReadFailure =>
                new CqlServerFailureException(code, message, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt(), reader.ReadInt())
                {
                    DataPresent = reader.ReadByte() != 0,
                },
            CqlErrorCode.WriteFailure =>
                new CqlServerFailureException(code, message, (CqlConsistency)reader.ReadShort(), reader.ReadInt(), reader.ReadInt(), reader.ReadInt())
                {
                    WriteType = reader.ReadString(),
                },
            CqlErrorCode.FunctionFailure => new CqlFunctionFailureException(message, reader.ReadString(), reader.ReadString(), reader.ReadStringList()),
            _ => new CqlServerException(code, message),
        };
    }
}
