using CdcPipeline.Capture.Schema.Types;

namespace CdcPipeline.Capture.Schema;

/// <summary>
/// One column of a captured table as Debezium describes it: name, type, whether it is optional (nullable), and the
/// default value Debezium parses from the column's default expression, already as JSON (null when there is none).
/// </summary>
internal sealed record ColumnDefinition(string Name, ColumnType Type, bool Optional, byte[]? DefaultJson);
