namespace CdcPipeline.Capture.Schema;

/// <summary>A captured table has a column whose type the capture cannot publish as Debezium would.</summary>
internal sealed class UnsupportedColumnTypeException(string message) : Exception(message);
