using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.Tests.Cql;

/// <summary>
/// Requests and responses written byte by byte from native_protocol_v4.spec (sections 2, 3, 4.1.4, 4.1.7, 4.2.5),
/// so the client is checked against the spec and not only against the test server, which shares its codec.
/// </summary>
public class CqlWireFormatTests
{
    [Fact]
    public void Query_with_every_parameter_flag_matches_the_spec()
    {
        var parameters = new CqlQueryParameters(
            CqlConsistency.Quorum,
            [new CqlValue([0, 0, 0, 5]), CqlValue.Null, CqlValue.Unset],
            PageSize: 100,
            PagingState: [0xCA, 0xFE],
            SerialConsistency: CqlConsistency.LocalSerial,
            Timestamp: 1234567890123456);

        var body = CqlRequests.Query("SELECT x", parameters);

        Assert.Equal(
            "00000008" + "53454C4543542078" + // <query> [long string] "SELECT x"
            "0004" + // <consistency> QUORUM
            "3D" + // <flags> Values | Page_size | With_paging_state | With_serial_consistency | With_default_timestamp
            "0003" + "0000000400000005" + "FFFFFFFF" + "FFFFFFFE" + // 3 values: int 5, null (-1), not set (-2)
            "00000064" + // <result_page_size> 100
            "00000002CAFE" + // <paging_state> [bytes]
            "0009" + // <serial_consistency> LOCAL_SERIAL
            "000462D53C8ABAC0", // <timestamp> 1234567890123456 µs
            Convert.ToHexString(body));
    }

    [Fact]
    public void Batch_of_a_query_and_a_prepared_id_matches_the_spec()
    {
        var body = CqlRequests.Batch(
            CqlBatchType.Logged,
            [("INSERT a", null, [new CqlValue([0, 0, 0, 1])]), (null, [0xAB, 0xCD], [])],
            CqlConsistency.One,
            CqlConsistency.Serial,
            timestamp: 42);

        Assert.Equal(
            "00" + "0002" + // <type> LOGGED, <n> 2
            "00" + "00000008" + "494E534552542061" + "0001" + "0000000400000001" + // kind 0: [long string], 1 value
            "01" + "0002ABCD" + "0000" + // kind 1: [short bytes] id, no values
            "0001" + "30" + "0008" + "000000000000002A", // ONE, flags serial|timestamp, SERIAL, 42
            Convert.ToHexString(body));
    }

    [Fact]
    public void Rows_with_per_column_table_specs_and_more_pages_decode()
    {
        var body = Convert.FromHexString(
            "00000002" + // kind Rows
            "00000002" + "00000002" + // <flags> Has_more_pages (no Global_tables_spec), <columns_count> 2
            "000000020102" + // <paging_state>
            "000161" + "000174" + "00016B" + "0009" + // a.t.k int
            "000162" + "000175" + "000176" + "0020000D" + // b.u.v list<varchar>
            "00000001" + // <rows_count>
            "0000000400000007" + // k = 7
            "00000009" + "00000001" + "0000000178"); // v = ["x"]

        var decoded = CqlResultDecoder.Decode(body);

        Assert.Equal(
            [("a", "t", "k", "int"), ("b", "u", "v", "list<text>")],
            decoded.Columns!.Select(c => (c.Keyspace, c.Table, c.Name, c.Type.ToString())));
        Assert.Equal([0x01, 0x02], decoded.PagingState);
        var row = Assert.Single(decoded.Rows!);
        Assert.Equal(7, row.Get<int>("k"));
        Assert.Equal(["x"], row.Get<List<object?>>("v"));
    }

    [Fact]
    public void Prepared_result_keeps_the_partition_key_indexes_in_the_servers_order()
    {
        var body = Convert.FromHexString(
            "00000004" + // kind Prepared
            "00020102" + // <id> [short bytes]
            "00000001" + "00000003" + "00000003" + "0002" + "0000" + "0001" + // Global_tables_spec, 3 variables, pk indexes [2, 0, 1]
            "00026B73" + "000174" + // "ks"."t"
            "000163" + "0009" + "000161" + "000D" + "000162" + "0002" + // c int, a varchar, b bigint
            "00000004" + "00000000"); // <result_metadata> No_metadata, 0 columns

        var decoded = CqlResultDecoder.Decode(body);

        Assert.Equal([0x01, 0x02], decoded.PreparedId);
        Assert.Equal([2, 0, 1], decoded.PartitionKeyIndexes);
        Assert.Equal(["c", "a", "b"], decoded.Variables!.Select(v => v.Name));
        Assert.Equal([CqlTypeCode.Int, CqlTypeCode.Varchar, CqlTypeCode.Bigint], decoded.Variables!.Select(v => v.Type.Code));
    }

    [Fact]
    public async Task Response_frame_with_tracing_and_warnings_flags_yields_the_message_body()
    {
        var frame = Convert.FromHexString(
            "84" + "0A" + "0005" + "08" + "0000001D" + // response v4, flags Tracing|Warning, stream 5, RESULT, length 29
            "00112233445566778899AABBCCDDEEFF" + // tracing id [uuid]
            "0001" + "000568656C6C6F" + // warnings [string list] ["hello"]
            "00000001"); // RESULT Void

        var read = await CqlFrame.ReadAsync(new MemoryStream(frame), TestContext.Current.CancellationToken);
        var stripped = CqlResponsePrefix.Strip(read!);

        Assert.Equal((5, CqlOpcode.Result), (stripped.Stream, stripped.Opcode));
        Assert.Equal("00000001", Convert.ToHexString(stripped.Body));
        Assert.Equal(CqlResultKind.Void, CqlResultDecoder.Decode(stripped.Body).Kind);
    }
}
