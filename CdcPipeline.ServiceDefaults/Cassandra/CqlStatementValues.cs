using CdcPipeline.ServiceDefaults.Cassandra.Codecs;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>Serializes the values bound to a statement.</summary>
internal static class CqlStatementValues
{
    /// <summary>The statement's values in the wire format, by the prepared bind variables' types or, for CQL text, by each value's own type.</summary>
    public static List<CqlValue> Serialize(CqlStatement statement)
    {
        var values = new List<CqlValue>(statement.Values.Count);
        for (var i = 0; i < statement.Values.Count; i++)
        {
            var value = statement.Values[i];
            var variable = statement.PreparedStatement?.Variables[i];
            try
            {
                values.Add(value is null or CqlUnset || variable is not null
                    ? CqlCodec.Serialize(variable?.Type ?? CqlType.Of(CqlTypeCode.Blob), value)
                    : CqlCodec.Serialize(CqlCodec.InferType(value), value));
            }
            catch (Exception exception) when (exception is ArgumentException or OverflowException or InvalidCastException)
            {
                var name = variable is null ? $"value {i}" : $"bind variable '{variable.Name}' ({variable.Type})";
                throw new ArgumentException($"Cannot send {name} of '{statement.Query}': {exception.Message}", exception);
            }
        }

        return values;
    }
}
