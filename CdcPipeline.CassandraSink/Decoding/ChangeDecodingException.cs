namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>A change event that does not follow Debezium's format; the message says which field.</summary>
internal sealed class ChangeDecodingException(string message, Exception? inner = null) : Exception(message, inner);
