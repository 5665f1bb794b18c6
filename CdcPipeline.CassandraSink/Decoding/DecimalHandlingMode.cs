namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Debezium's <c>decimal.handling.mode</c>: how the connector writes decimals. With schemas the schema says
/// which one was used; without schemas a JSON string is ambiguous and the configured mode decides.
/// </summary>
public enum DecimalHandlingMode
{
    /// <summary>Base64 of the big-endian two's complement unscaled value (<c>org.apache.kafka.connect.data.Decimal</c>).</summary>
    Precise,

    /// <summary>The decimal as a plain string, e.g. <c>"123.45"</c>.</summary>
    String,

    /// <summary>The decimal as a JSON number (may have lost digits in the connector).</summary>
    Double,
}
