namespace CdcPipeline.Capture.Schema;

/// <summary>A column as the row source describes it: a pgoutput Relation message, or the catalog for the snapshot.</summary>
internal readonly record struct SourceColumn(string Name, uint TypeOid, int TypeModifier);
