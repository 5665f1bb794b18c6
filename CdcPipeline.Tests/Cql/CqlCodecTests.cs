using System.Numerics;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.Tests.Cql;

/// <summary>Codecs against the byte examples of native_protocol_v4.spec section 6, and round trips of the values the sink writes.</summary>
public class CqlCodecTests
{
    private static readonly CqlType Varint = CqlType.Of(CqlTypeCode.Varint);
    private static readonly CqlType Decimal = CqlType.Of(CqlTypeCode.Decimal);
    private static readonly CqlType Date = CqlType.Of(CqlTypeCode.Date);
    private static readonly CqlType Timestamp = CqlType.Of(CqlTypeCode.Timestamp);

    // Spec 6.23: "Value | Encoding" table of varint.
    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "01")]
    [InlineData(127, "7F")]
    [InlineData(128, "0080")]
    [InlineData(129, "0081")]
    [InlineData(-1, "FF")]
    [InlineData(-128, "80")]
    [InlineData(-129, "FF7F")]
    public void Varint_matches_the_spec_examples(int value, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(CqlCodec.Serialize(Varint, new BigInteger(value)).Bytes!));
        Assert.Equal(new BigInteger(value), CqlCodec.Deserialize(Varint, Convert.FromHexString(hex)));
    }

    // Spec 6.5: "0: -5877641-06-23, 2^31: 1970-1-1, 2^32: 5881580-07-11" (only 2^31 is inside DateOnly's range).
    [Fact]
    public void Date_is_days_with_the_epoch_at_two_to_the_31()
    {
        Assert.Equal("80000000", Convert.ToHexString(CqlCodec.Serialize(Date, new DateOnly(1970, 1, 1)).Bytes!));
        Assert.Equal("7FFFFFFF", Convert.ToHexString(CqlCodec.Serialize(Date, new DateOnly(1969, 12, 31)).Bytes!));
        Assert.Equal("80000001", Convert.ToHexString(CqlCodec.Serialize(Date, new DateOnly(1970, 1, 2)).Bytes!));
        Assert.Equal(new DateOnly(1970, 1, 1), CqlCodec.Deserialize(Date, Convert.FromHexString("80000000")));
        var error = Assert.Throws<OverflowException>(() => CqlCodec.Deserialize(Date, Convert.FromHexString("00000000")));
        Assert.Contains("outside the range of DateOnly", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1969-07-20")]
    [InlineData("1900-01-01")]
    [InlineData("0001-01-01")]
    [InlineData("2024-02-29")]
    [InlineData("9999-12-31")]
    public void Dates_before_and_after_1970_round_trip(string text)
    {
        var date = DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(date, CqlCodec.Deserialize(Date, CqlCodec.Serialize(Date, date).Bytes));
    }

    // Spec 6.6: decimal is an [int] scale followed by the varint of the unscaled value.
    [Theory]
    [InlineData("0", "0000000000")]
    [InlineData("1.5", "000000010F")]
    [InlineData("-1.5", "00000001F1")]
    [InlineData("1.28", "000000020080")]
    [InlineData("-0.01", "00000002FF")]
    [InlineData("99999999.99", "0000000202540BE3FF")]
    [InlineData("-99999999.99", "00000002FDABF41C01")]
    public void Decimal_is_scale_then_twos_complement_unscaled_value(string text, string hex)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(hex, Convert.ToHexString(CqlCodec.Serialize(Decimal, value).Bytes!));
        Assert.Equal(value, CqlCodec.Deserialize(Decimal, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("-12345678.90")]
    [InlineData("0.00")]
    [InlineData("99999999.99")]
    [InlineData("-99999999.99")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-0.0000000000000000000000000001")]
    public void Decimals_round_trip_with_their_scale(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var back = (decimal)CqlCodec.Deserialize(Decimal, CqlCodec.Serialize(Decimal, value).Bytes)!;
        Assert.Equal(value, back);
        Assert.Equal(value.Scale, back.Scale);
    }

    [Fact]
    public void Decimal_with_negative_scale_is_multiplied_out()
    {
        // unscaled 5, scale -3 → 5000
        Assert.Equal(5000m, CqlCodec.Deserialize(Decimal, Convert.FromHexString("FFFFFFFD05")));
    }

    // Spec 6.17: timestamp is an 8-byte two's complement count of milliseconds from the epoch; negative before 1970.
    [Fact]
    public void Timestamps_are_milliseconds_from_the_epoch()
    {
        Assert.Equal("0000000000000000", Convert.ToHexString(CqlCodec.Serialize(Timestamp, DateTimeOffset.UnixEpoch).Bytes!));
        Assert.Equal("FFFFFFFFFFFFFFFF", Convert.ToHexString(CqlCodec.Serialize(Timestamp, DateTimeOffset.UnixEpoch.AddMilliseconds(-1)).Bytes!));
        Assert.Equal("0000018DB45538FB", Convert.ToHexString(CqlCodec.Serialize(Timestamp, DateTimeOffset.FromUnixTimeMilliseconds(1708127500539)).Bytes!));
        var instant = new DateTimeOffset(1965, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2));
        Assert.Equal(instant, CqlCodec.Deserialize(Timestamp, CqlCodec.Serialize(Timestamp, instant).Bytes));
        var utc = new DateTime(2024, 2, 29, 23, 59, 58, 123, DateTimeKind.Utc);
        Assert.Equal(utc, ((DateTimeOffset)CqlCodec.Deserialize(Timestamp, CqlCodec.Serialize(Timestamp, utc).Bytes)!).UtcDateTime);
    }

    // Spec 6.21: a uuid is its 16 bytes in RFC 4122 (network) order.
    [Fact]
    public void Uuid_is_written_in_rfc_4122_byte_order()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("00112233445566778899AABBCCDDEEFF", Convert.ToHexString(CqlCodec.Serialize(CqlType.Of(CqlTypeCode.Uuid), id).Bytes!));
        Assert.Equal(id, CqlCodec.Deserialize(CqlType.Of(CqlTypeCode.Timeuuid), Convert.FromHexString("00112233445566778899AABBCCDDEEFF")));
    }

    // Spec 6.2, 6.4, 6.10, 6.15: bigint 8 bytes, boolean 1 byte, int 4 bytes, text UTF-8, all big-endian.
    [Fact]
    public void Fixed_width_and_text_types_are_big_endian_and_utf8()
    {
        Assert.Equal("FFFFFFFFFFFFFFFE", Hex(CqlTypeCode.Bigint, -2L));
        Assert.Equal("00000100", Hex(CqlTypeCode.Int, 256));
        Assert.Equal("01", Hex(CqlTypeCode.Boolean, true));
        Assert.Equal("00", Hex(CqlTypeCode.Boolean, false));
        Assert.Equal("5A6FC3AB", Hex(CqlTypeCode.Varchar, "Zoë"));
        Assert.Equal("3FF0000000000000", Hex(CqlTypeCode.Double, 1.0));
        Assert.Equal("DEAD", Hex(CqlTypeCode.Blob, new byte[] { 0xDE, 0xAD }));
        Assert.True((bool)CqlCodec.Deserialize(CqlType.Of(CqlTypeCode.Boolean), [0x02])!);
    }

    [Fact]
    public void Null_and_unset_are_distinct_values()
    {
        var text = CqlType.Of(CqlTypeCode.Varchar);
        Assert.True(CqlCodec.Serialize(text, null) is { Bytes: null, IsUnset: false });
        Assert.True(CqlCodec.Serialize(text, CqlUnset.Value) is { Bytes: null, IsUnset: true });
        Assert.Null(CqlCodec.Deserialize(CqlType.Of(CqlTypeCode.Int), null));
        Assert.Equal(string.Empty, CqlCodec.Deserialize(text, []));
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_types()
    {
        var error = Assert.Throws<ArgumentException>(() => CqlCodec.Serialize(CqlType.Of(CqlTypeCode.Uuid), 42));
        Assert.Contains("Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("uuid", error.Message, StringComparison.Ordinal);
        var width = Assert.Throws<InvalidDataException>(() => CqlCodec.Deserialize(CqlType.Of(CqlTypeCode.Int), new byte[8]));
        Assert.Contains("must be 4 bytes; got 8", width.Message, StringComparison.Ordinal);
    }

    private static string Hex(CqlTypeCode code, object value) => Convert.ToHexString(CqlCodec.Serialize(CqlType.Of(code), value).Bytes!);
}
