namespace CdcPipeline.Capture.Schema;

/// <summary>What PostgreSQL's catalog says about one column (Debezium reads the same through JDBC metadata).</summary>
internal sealed record CatalogColumn(
    string Name,
    uint TypeOid,
    int TypeModifier,
    string TypeName,
    bool NotNull,
    string? DefaultExpression,
    int? PrimaryKeyPosition);
