namespace CdcPipeline.Capture.Schema;

/// <summary>A column value (e.g. a NaN numeric) that Debezium's encoding of its type cannot carry.</summary>
internal sealed class UnrepresentableValueException(string message, Exception? inner = null) : Exception(message, inner);
