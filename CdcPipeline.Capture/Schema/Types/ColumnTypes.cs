namespace CdcPipeline.Capture.Schema.Types;

/// <summary>Picks the <see cref="ColumnType"/> of a column from its type OID and type modifier.</summary>
internal static class ColumnTypes
{
    /// <summary>Timestamps without a precision have pgjdbc's default scale: microseconds.</summary>
    private const int DefaultTimestampScale = 6;

    /// <summary>The column's type, or null when the capture does not map it.</summary>
    public static ColumnType? Resolve(uint typeOid, int typeModifier) => typeOid switch
    {
        PostgresTypeOids.Uuid => UuidType.Instance,
        PostgresTypeOids.Text or PostgresTypeOids.Varchar or PostgresTypeOids.Bpchar => TextType.Instance,
        PostgresTypeOids.Bool => BooleanType.Instance,
        PostgresTypeOids.Int2 => IntegerType.Int16,
        PostgresTypeOids.Int4 => IntegerType.Int32,
        PostgresTypeOids.Int8 => IntegerType.Int64,
        PostgresTypeOids.Date => DateType.Instance,
        PostgresTypeOids.Timestamptz => new ZonedTimestampType(typeModifier < 0 ? DefaultTimestampScale : typeModifier),
        PostgresTypeOids.Timestamp => typeModifier is >= 0 and <= 3 ? LocalTimestampType.Millis : LocalTimestampType.Micros,
        PostgresTypeOids.Numeric => Numeric(typeModifier),
        PostgresTypeOids.Bytea => BytesType.Instance,
        PostgresTypeOids.Json => JsonType.Json,
        PostgresTypeOids.Jsonb => JsonType.Jsonb,
        _ => null,
    };

    /// <summary>
    /// <c>numeric(p,s)</c> stores <c>((p &lt;&lt; 16) | s) + 4</c> as its modifier. A numeric without precision would be
    /// Debezium's VariableScaleDecimal struct, and a negative scale (PostgreSQL 15) has no Connect Decimal: both unmapped.
    /// </summary>
    private static DecimalType? Numeric(int typeModifier)
    {
        if (typeModifier < 4)
        {
            return null;
        }

        var precision = ((typeModifier - 4) >> 16) & 0xFFFF;
        var scale = (typeModifier - 4) & 0xFFFF;
        return scale <= precision ? new DecimalType(precision, scale) : null;
    }
}
