using System.Globalization;
using System.Net;
using System.Numerics;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Turns a CQL literal into the serialized value of a column type, with Cassandra's error wording when it does not fit.</summary>
internal static class CqlLiteralConverter
{
    public static byte[] ToBytes(CqlToken literal, CqlType type, string column)
    {
        try
        {
            object value = (literal.Kind, type.Code) switch
            {
                (CqlTokenKind.String, CqlTypeCode.Varchar or CqlTypeCode.Ascii) => literal.Text,
                (CqlTokenKind.String, CqlTypeCode.Date) => DateOnly.ParseExact(literal.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                (CqlTokenKind.String, CqlTypeCode.Timestamp) => DateTimeOffset.Parse(literal.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                (CqlTokenKind.String, CqlTypeCode.Inet) => IPAddress.Parse(literal.Text),
                (CqlTokenKind.String, CqlTypeCode.Time) => TimeOnly.Parse(literal.Text, CultureInfo.InvariantCulture),
                (CqlTokenKind.Integer, CqlTypeCode.Int or CqlTypeCode.Bigint or CqlTypeCode.Smallint or CqlTypeCode.Tinyint or CqlTypeCode.Counter or CqlTypeCode.Timestamp) =>
                    long.Parse(literal.Text, CultureInfo.InvariantCulture),
                (CqlTokenKind.Integer, CqlTypeCode.Varint) => BigInteger.Parse(literal.Text, CultureInfo.InvariantCulture),
                (CqlTokenKind.Integer or CqlTokenKind.Float, CqlTypeCode.Decimal) => decimal.Parse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
                (CqlTokenKind.Integer or CqlTokenKind.Float, CqlTypeCode.Double) => double.Parse(literal.Text, CultureInfo.InvariantCulture),
                (CqlTokenKind.Integer or CqlTokenKind.Float, CqlTypeCode.Float) => float.Parse(literal.Text, CultureInfo.InvariantCulture),
                (CqlTokenKind.Uuid, CqlTypeCode.Uuid or CqlTypeCode.Timeuuid) => Guid.Parse(literal.Text),
                (CqlTokenKind.Blob, CqlTypeCode.Blob) => Convert.FromHexString(literal.Text),
                (CqlTokenKind.Identifier, CqlTypeCode.Boolean) => literal.Text == "true",
                _ => throw new FormatException(),
            };
            return CqlCodec.Serialize(type, value).Bytes!;
        }
        catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentException)
        {
            throw CqlServerException.Invalid($"Invalid {KindName(literal.Kind)} constant ({literal.Text}) for \"{column}\" of type {type}");
        }
    }

    private static string KindName(CqlTokenKind kind) => kind switch
    {
        CqlTokenKind.String => "STRING",
        CqlTokenKind.Integer => "INTEGER",
        CqlTokenKind.Float => "FLOAT",
        CqlTokenKind.Uuid => "UUID",
        CqlTokenKind.Blob => "HEX",
        CqlTokenKind.Identifier => "BOOLEAN",
        _ => kind.ToString().ToUpperInvariant(),
    };
}
