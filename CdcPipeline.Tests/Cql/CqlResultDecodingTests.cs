using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.Tests.Cql;

/// <summary>RESULT bodies written byte by byte from native_protocol_v4.spec sections 4.2.5 and 6, decoded by the client.</summary>
public class CqlResultDecodingTests
{
    // <kind>=Rows, <flags>=Global_tables_spec, <columns_count>=3, "ks", "t", then (n int) (s varchar) (b blob).
    private const string ThreeColumns = "00000002" + "00000001" + "00000003" + "00026B73" + "000174" +
        "00016E" + "0009" + "000173" + "000D" + "000162" + "0003";

    [Fact]
    public void Empty_text_and_blob_values_are_empty_not_null()
    {
        // One row: n = null ([bytes] length -1), s = empty (length 0), b = empty (length 0).
        var decoded = CqlResultDecoder.Decode(Convert.FromHexString(ThreeColumns + "00000001" + "FFFFFFFF" + "00000000" + "00000000"));

        var row = Assert.Single(decoded.Rows!);
        Assert.Null(row.Get<int?>("n"));
        Assert.Equal(string.Empty, row.Get<string>("s"));
        Assert.Empty(row.Get<byte[]>("b"));
    }

    [Fact]
    public void Empty_value_of_a_fixed_size_type_is_an_error_naming_the_column()
    {
        // Row 1 is fine (n = 5); row 2 has an empty n.
        var body = ThreeColumns + "00000002" + "0000000400000005" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000";

        var error = Assert.Throws<CqlException>(() => CqlResultDecoder.Decode(Convert.FromHexString(body)));

        Assert.Equal("Cannot read column 'n' (int) of row 2 from ks.t: it holds an empty value (0 bytes, not null), which has no int meaning.", error.Message);
    }

    [Fact]
    public void Timestamp_outside_years_1_to_9999_is_an_error_naming_the_column()
    {
        // <kind>=Rows, global spec "ks"."t", one column (at timestamp); one row holding long.MaxValue milliseconds.
        var body = "00000002" + "00000001" + "00000001" + "00026B73" + "000174" + "00026174" + "000B" + "00000001" + "00000008" + "7FFFFFFFFFFFFFFF";

        var error = Assert.Throws<CqlException>(() => CqlResultDecoder.Decode(Convert.FromHexString(body)));

        Assert.StartsWith("Cannot read column 'at' (timestamp) of row 1 from ks.t: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_row_count_with_no_rows_behind_it_fails_as_malformed_without_allocating_for_it()
    {
        // A single int column and a row count of 2^31-1 but no row bytes.
        var body = "00000002" + "00000001" + "00000001" + "00026B73" + "000174" + "00016E" + "0009" + "7FFFFFFF";

        var truncated = Assert.Throws<InvalidDataException>(() => CqlResultDecoder.Decode(Convert.FromHexString(body)));
        Assert.StartsWith("The frame body ends early", truncated.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<InvalidDataException>(() => CqlResultDecoder.Decode(Convert.FromHexString(body[..^8] + "FFFFFFFF")));
        Assert.Equal("The row count -1 is negative.", negative.Message);
    }
}
