using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CdcPipeline.CassandraSink;
using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Options;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.CassandraSink;

public class DebeziumDecoderTests
{
    private static readonly Guid UserId = Guid.Parse(GoldenEvents.UserId);
    private static readonly Guid OrderId = Guid.Parse(GoldenEvents.OrderId);

    private static DecodeOutcome Decode(string json, DecimalHandlingMode mode = DecimalHandlingMode.Precise) =>
        Decode(Encoding.UTF8.GetBytes(json), mode);

    private static DecodeOutcome Decode(byte[]? value, DecimalHandlingMode mode = DecimalHandlingMode.Precise) =>
        new DebeziumDecoder(Options.Create(new SinkOptions { DecimalHandlingMode = mode })).Decode(value, value is null);

    private static T Change<T>(DecodeOutcome outcome) where T : RowChange =>
        Assert.IsType<T>(Assert.IsType<DecodeOutcome.Change>(outcome).Row);

    private static string Reason(DecodeOutcome outcome) => Assert.IsType<DecodeOutcome.Undecodable>(outcome).Reason;

    [Fact]
    public void User_create_with_schema_decodes_every_column()
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserCreateWithSchema));

        Assert.Equal(ChangeOperation.Create, change.Operation);
        Assert.Equal(new SourcePosition(24023128, 24023104, IsSnapshot: false, SourceTime: DateTimeOffset.FromUnixTimeMilliseconds(1714558530124)), change.Position);
        Assert.Equal(
            new UserRow(UserId, "Ada Lovelace", new DateOnly(1990, 5, 17),
                new DateTimeOffset(2024, 5, 1, 10, 15, 30, TimeSpan.Zero).AddTicks(1_234_560), null, false),
            change.After);
    }

    [Fact]
    public void Changes_sharing_a_schema_decode_alike_in_the_compact_form_the_converter_writes()
    {
        var decoder = new DebeziumDecoder(Options.Create(new SinkOptions()));
        var compact = Encoding.UTF8.GetBytes(JsonNode.Parse(GoldenEvents.UserCreateWithSchema)!.ToJsonString());

        var first = Change<UserChange>(decoder.Decode(compact, isNull: false));
        var second = Change<UserChange>(decoder.Decode(compact, isNull: false));

        var expected = Change<UserChange>(Decode(GoldenEvents.UserCreateWithSchema));
        Assert.Equal((expected.Position, expected.After), (first.Position, first.After));
        Assert.Equal((expected.Position, expected.After), (second.Position, second.After));
    }

    [Fact]
    public void A_schema_seen_before_does_not_hide_what_follows_the_payload()
    {
        var decoder = new DebeziumDecoder(Options.Create(new SinkOptions()));
        var compact = JsonNode.Parse(GoldenEvents.UserCreateWithSchema)!.ToJsonString();
        Change<UserChange>(decoder.Decode(Encoding.UTF8.GetBytes(compact), isNull: false));

        var trailing = decoder.Decode(Encoding.UTF8.GetBytes(compact + "}"), isNull: false);
        var extraField = decoder.Decode(Encoding.UTF8.GetBytes(compact[..^1] + ",\"extra\":1}"), isNull: false);
        var twice = decoder.Decode(Encoding.UTF8.GetBytes(compact[..^1] + ",\"payload\":null}"), isNull: false);

        Assert.StartsWith("the value is not JSON", Reason(trailing));
        Assert.Equal("Ada Lovelace", Change<UserChange>(extraField).After!.Name);
        Assert.StartsWith("the value is not JSON", Reason(twice));
    }

    [Fact]
    public void Snapshot_read_without_schema_decodes_a_date_before_the_epoch()
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserSnapshotReadWithoutSchema));

        Assert.Equal(ChangeOperation.Read, change.Operation);
        Assert.True(change.Position.IsSnapshot);
        Assert.Null(change.Position.LastCommitLsn);
        Assert.Equal(new DateOnly(1965, 3, 1), change.After!.Dob);
    }

    [Fact]
    public void User_update_without_schema_reads_timestamps_with_an_offset()
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserUpdateWithoutSchema));

        Assert.Equal(ChangeOperation.Update, change.Operation);
        Assert.Equal("Ada King", change.After!.Name);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 6, 0, 0, 500, TimeSpan.Zero), change.After.ModifiedAt);
    }

    [Fact]
    public void User_delete_with_schema_names_the_deleted_row()
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserDeleteWithSchema));

        Assert.Equal(ChangeOperation.Delete, change.Operation);
        Assert.Equal(UserId, change.Id);
        Assert.Null(change.After);
    }

    [Fact]
    public void Order_create_with_schema_takes_the_decimal_scale_from_the_schema()
    {
        var change = Change<OrderChange>(Decode(GoldenEvents.OrderCreateWithSchema));

        Assert.Equal(123.45m, change.After!.TotalAmount);
        Assert.Equal(UserId, change.After.UserId);
        Assert.Equal(3, change.After.Quantity);
        Assert.Equal("PLACED", change.After.Status);
        Assert.Null(change.PreviousListing);
    }

    [Fact]
    public void Order_update_without_schema_takes_the_decimal_scale_from_configuration()
    {
        var change = Change<OrderChange>(Decode(GoldenEvents.OrderUpdateWithoutSchema));

        Assert.Equal(123.45m, change.After!.TotalAmount);
        Assert.Equal("SHIPPED", change.After.Status);
        Assert.Equal(new OrderListing(UserId, change.After.PlacedAt!.Value, OrderId), change.PreviousListing);
    }

    [Fact]
    public void Order_delete_with_schema_carries_where_the_order_was_listed()
    {
        var change = Change<OrderChange>(Decode(GoldenEvents.OrderDeleteWithSchema));

        Assert.Equal(ChangeOperation.Delete, change.Operation);
        Assert.Equal(OrderId, change.Id);
        Assert.Equal(UserId, change.PreviousListing!.UserId);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 16, 0, TimeSpan.Zero).AddTicks(10), change.PreviousListing.PlacedAt);
    }

    [Fact]
    public void Tombstone_after_a_delete_is_recognised()
    {
        Assert.IsType<DecodeOutcome.Tombstone>(Decode(GoldenEvents.Tombstone));
        Assert.IsType<DecodeOutcome.Tombstone>(Decode("""{"schema":null,"payload":null}"""));
    }

    [Fact]
    public void Change_of_an_unknown_table_is_reported_with_its_name()
    {
        var outcome = Assert.IsType<DecodeOutcome.UnknownTable>(Decode(GoldenEvents.PaymentCreateWithoutSchema));

        Assert.Equal("public.payments", outcome.Table);
    }

    [Theory]
    [InlineData("AA==", "0.00")]
    [InlineData("AQ==", "0.01")]
    [InlineData("/w==", "-0.01")]
    [InlineData("nA==", "-1.00")]
    [InlineData("AIA=", "1.28")]
    [InlineData("/38=", "-1.29")]
    [InlineData("AlQL4/8=", "99999999.99")]
    [InlineData("/av0HAE=", "-99999999.99")]
    public void Base64_two_complement_decimals_decode_exactly(string base64, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DebeziumDecimal.FromBase64(base64, 2));
        Assert.Equal(2, decimal.GetBits(DebeziumDecimal.FromBase64(base64, 2))[3] >> 16 & 0xFF);
    }

    public static TheoryData<string, DecimalEncoding, bool> DecimalEdgeCases()
    {
        var data = new TheoryData<string, DecimalEncoding, bool>();
        foreach (var value in new[] { "0", "-1.50", "0.01", "-0.01", "99999999.99", "-99999999.99", "1234.50" })
        {
            foreach (var encoding in Enum.GetValues<DecimalEncoding>())
            {
                data.Add(value, encoding, true);
                data.Add(value, encoding, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DecimalEdgeCases))]
    public void Total_amount_decodes_in_every_decimal_handling_mode(string text, DecimalEncoding encoding, bool withSchema)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var order = new OrderState(OrderId, "PLACED", UserId, 1, value, DateTimeOffset.UnixEpoch, null, false);
        var mode = encoding switch
        {
            DecimalEncoding.Base64 => DecimalHandlingMode.Precise,
            DecimalEncoding.String => DecimalHandlingMode.String,
            _ => DecimalHandlingMode.Double,
        };

        var change = Change<OrderChange>(Decode(ChangeEventBuilder.Order('c', null, order, 100, withSchema: withSchema, decimals: encoding), mode));

        Assert.Equal(value, change.After!.TotalAmount);
    }

    [Theory]
    [InlineData("9.999999999E7", "99999999.99")]
    [InlineData("-9.999999999E7", "-99999999.99")]
    [InlineData("-1.0E-2", "-0.01")]
    [InlineData("0.1", "0.10")]
    public void Double_mode_reads_the_exponent_form_jackson_writes(string json, string expected)
    {
        var order = new OrderState(OrderId, "PLACED", UserId, 1, 1m, DateTimeOffset.UnixEpoch, null, false);
        var text = Encoding.UTF8.GetString(ChangeEventBuilder.Order('c', null, order, 100, withSchema: false, decimals: DecimalEncoding.Double))
            .Replace("\"total_amount\":1", $"\"total_amount\":{json}", StringComparison.Ordinal);

        var change = Change<OrderChange>(Decode(text, DecimalHandlingMode.Double));

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), change.After!.TotalAmount);
    }

    [Fact]
    public void Nanosecond_timestamps_are_read()
    {
        var json = GoldenEvents.UserCreateWithSchema.Replace("2024-05-01T10:15:30.123456Z", "2024-05-01T10:15:30.123456789Z", StringComparison.Ordinal);

        var change = Change<UserChange>(Decode(json));

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 15, 30, TimeSpan.Zero).AddTicks(1_234_567), change.After!.CreatedAt);
    }

    [Fact]
    public void Builder_events_decode_like_the_golden_events()
    {
        var golden = Change<OrderChange>(Decode(GoldenEvents.OrderCreateWithSchema)).After!;

        var built = Change<OrderChange>(Decode(ChangeEventBuilder.Order('c', null,
            new OrderState(golden.Id, golden.Status, golden.UserId, golden.Quantity, golden.TotalAmount, golden.PlacedAt, golden.ModifiedAt, golden.IsDeleted),
            24023160))).After;

        Assert.Equal(golden, built);
    }

    [Fact]
    public void Value_that_is_not_json_is_undecodable()
    {
        Assert.StartsWith("the value is not JSON", Reason(Decode("{not json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_uuid_names_the_field()
    {
        var json = GoldenEvents.UserCreateWithSchema.Replace($"\"id\": \"{GoldenEvents.UserId}\"", "\"id\": \"not-a-uuid\"", StringComparison.Ordinal);

        Assert.Contains("after.id", Reason(Decode(json)), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_base64_decimal_names_the_field()
    {
        var json = GoldenEvents.OrderCreateWithSchema.Replace("\"MDk=\"", "\"12.5%\"", StringComparison.Ordinal);

        var reason = Reason(Decode(json));

        Assert.Contains("after.total_amount", reason, StringComparison.Ordinal);
        Assert.Contains("base64", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_op_is_undecodable()
    {
        var json = GoldenEvents.UserUpdateWithoutSchema.Replace("\"op\": \"u\",", "", StringComparison.Ordinal);

        Assert.Equal("op is missing", Reason(Decode(json)));
    }

    [Fact]
    public void Order_update_without_before_asks_for_replica_identity_full()
    {
        var json = GoldenEvents.OrderUpdateWithoutSchema;
        var start = json.IndexOf("\"before\"", StringComparison.Ordinal);
        var end = json.IndexOf("\"after\"", StringComparison.Ordinal);
        json = string.Concat(json.AsSpan(0, start), "\"before\": null, ", json.AsSpan(end));

        Assert.Contains("REPLICA IDENTITY FULL", Reason(Decode(json)), StringComparison.Ordinal);
    }

    [Fact]
    public void Truncate_is_undecodable_with_its_reason()
    {
        var json = GoldenEvents.UserUpdateWithoutSchema.Replace("\"op\": \"u\"", "\"op\": \"t\"", StringComparison.Ordinal);

        Assert.Contains("truncate", Reason(Decode(json)), StringComparison.Ordinal);
    }

    [Fact]
    public void Base64_decimal_without_schema_or_configured_scale_names_the_setting()
    {
        var options = new SinkOptions();
        options.DecimalScales.Clear();

        var outcome = new DebeziumDecoder(Options.Create(options)).Decode(Encoding.UTF8.GetBytes(GoldenEvents.OrderUpdateWithoutSchema), isNull: false);

        Assert.Contains("CassandraSink:DecimalScales:orders.total_amount", Reason(outcome), StringComparison.Ordinal);
    }
    public static TheoryData<string, string> MalformedSchemas() => new()
    {
        // A field of the envelope schema that is not an object (JsonElement.TryGetProperty would throw InvalidOperationException).
        { """{"type":"struct","fields":[1]}""", "schema.fields[0]" },
        { """{"type":"struct","fields":"before,after"}""", "schema.fields" },
        { GoldenEvents.EnvelopeSchema("users", """[{"type":"string","field":"id"},{"type":"string","field":"id"}]"""), "column 'id' twice" },
        { GoldenEvents.EnvelopeSchema("users", """[{"type":"string","field":7}]"""), "schema.fields[0].fields (before)[0].field" },
        { GoldenEvents.EnvelopeSchema("users", """[null]"""), "schema.fields[0].fields (before)[0]" },
        { GoldenEvents.EnvelopeSchema("users", """{"id":"string"}"""), "schema.fields[0].fields (before)" },
        { GoldenEvents.EnvelopeSchema("users", """[{"type":"string","field":"id","parameters":[1]}]"""), "schema.fields[0].fields (before)[0].parameters" },
        { "[]", "schema is a JSON Array" },
    };

    [Theory]
    [MemberData(nameof(MalformedSchemas))]
    public void Malformed_schema_is_undecodable_with_a_reason_naming_the_schema_field(string schema, string named)
    {
        var json = $$"""{"schema":{{schema}},"payload":{{GoldenEvents.UserUpdateWithoutSchema}}}""";

        Assert.Contains(named, Reason(Decode(json)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"schema":{"fields":[1]},"payload":{"source":{"schema":"public","table":"users","lsn":1},"op":"c","after":{}}}""")]
    [InlineData("""{"schema":{"fields":[{"field":"after","fields":[{"field":"id"},{"field":"id"}]}]},"payload":{"source":{"schema":"public","table":"users","lsn":1},"op":"c","after":{}}}""")]
    public void Any_decoding_failure_becomes_undecodable_instead_of_an_exception(string json)
    {
        Assert.Contains("schema.fields", Reason(Decode(json)), StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("r", "first")]
    [InlineData("r", "true")]
    [InlineData("r", "last")]
    [InlineData("r", "incremental")]
    [InlineData("r", "first_in_data_collection")]
    [InlineData("r", "in_data_collection")]
    [InlineData("r", "last_in_data_collection")]
    public void Debezium_3_snapshot_reads_decode_as_snapshot(string op, string snapshot)
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserDebezium3(op, snapshot)));

        Assert.Equal(ChangeOperation.Read, change.Operation);
        Assert.True(change.Position.IsSnapshot);
        Assert.Equal(snapshot == "incremental", change.Position.IsIncrementalSnapshot);
        Assert.Equal(24023128, change.Position.Lsn);
        Assert.Equal("Ada Lovelace", change.After!.Name);
    }

    [Fact]
    public void Debezium_3_streamed_create_with_microsecond_and_nanosecond_times_decodes()
    {
        var change = Change<UserChange>(Decode(GoldenEvents.UserDebezium3("c", "false")));

        Assert.Equal(ChangeOperation.Create, change.Operation);
        Assert.Equal(new SourcePosition(24023128, 24023104, IsSnapshot: false, SourceTime: DateTimeOffset.FromUnixTimeMilliseconds(1714558530124)), change.Position);
    }

    [Theory]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\",\\\"9\\\"]\"", 24023104L)]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": \"[\\\"24023104\\\"]\"", 24023104L)]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": \"not json\"", null)]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": \"[\\\"x\\\",\\\"24023128\\\"]\"", null)]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": \"{}\"", null)]
    [InlineData("\"sequence\": \"[\\\"24023104\\\",\\\"24023128\\\"]\"", "\"sequence\": 17", null)]
    [InlineData("\"txId\": 555", "\"txId\": \"tx-555\"", 24023104L)]
    [InlineData("\"txId\": 555", "\"txId\": 5.5", 24023104L)]
    [InlineData("\"txId\": 555", "\"txId\": {\"id\": 555}", 24023104L)]
    public void Unexpected_sequence_or_tx_id_does_not_dead_letter_a_valid_change(string original, string replacement, long? lastCommitLsn)
    {
        var json = GoldenEvents.UserDebezium3("c", "false");
        Assert.Contains(original, json, StringComparison.Ordinal);

        var change = Change<UserChange>(Decode(json.Replace(original, replacement, StringComparison.Ordinal)));

        Assert.Equal(24023128, change.Position.Lsn);
        Assert.Equal(lastCommitLsn, change.Position.LastCommitLsn);
    }

    private static readonly UserState Ada = new(UserId, "Ada", new DateOnly(1990, 5, 17),
        new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 5, 1, 11, 0, 0, TimeSpan.Zero), false);

    private static readonly OrderState Placed = new(OrderId, "PLACED", UserId, 2, 9.5m,
        new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 5, 1, 13, 0, 0, TimeSpan.Zero), false);

    private const string Written = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void Trace_parent_comes_from_after_and_for_a_delete_from_before()
    {
        var created = Change<UserChange>(Decode(ChangeEventBuilder.User('c', null, Ada, 10, traceParent: Written)));
        var deleted = Change<OrderChange>(Decode(ChangeEventBuilder.Order('d', Placed, null, 20, traceParent: Written)));

        Assert.True(ActivityContext.TryParse(Written, null, isRemote: true, out var written));
        Assert.Equal(written, created.TraceParent);
        Assert.Equal(written, deleted.TraceParent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"00-not-a-trace-01\"")]
    [InlineData("\"00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01\"")]
    [InlineData("42")]
    [InlineData("{\"traceparent\": \"x\"}")]
    public void Absent_null_or_malformed_trace_parent_decodes_the_change_without_one(string? column)
    {
        var json = Encoding.UTF8.GetString(ChangeEventBuilder.User('c', null, Ada, 10, traceParent: "placeholder"));
        json = column is null
            ? json.Replace(",\"trace_parent\":\"placeholder\"", "", StringComparison.Ordinal)
            : json.Replace("\"placeholder\"", column, StringComparison.Ordinal);

        var change = Change<UserChange>(Decode(json));

        Assert.Equal("Ada", change.After!.Name);
        Assert.Null(change.TraceParent);
    }

    [Fact]
    public void Event_time_of_a_create_is_the_rows_creation_time()
    {
        Assert.Equal(Ada.CreatedAt, Change<UserChange>(Decode(ChangeEventBuilder.User('c', null, Ada, 10))).EventTime);
        Assert.Equal(Placed.PlacedAt, Change<OrderChange>(Decode(ChangeEventBuilder.Order('c', null, Placed, 10))).EventTime);
        Assert.Null(Change<UserChange>(Decode(ChangeEventBuilder.User('c', null, Ada with { CreatedAt = null }, 10))).EventTime);
    }

    [Fact]
    public void Event_time_of_an_update_is_its_modified_at_only_when_it_moved()
    {
        var renamed = Ada with { Name = "Ada King", ModifiedAt = Ada.ModifiedAt!.Value.AddHours(1) };
        var cascaded = Placed with { IsDeleted = true };

        Assert.Equal(renamed.ModifiedAt, Change<UserChange>(Decode(ChangeEventBuilder.User('u', Ada, renamed, 20))).EventTime);
        Assert.Equal(Ada.ModifiedAt, Change<UserChange>(Decode(ChangeEventBuilder.User('u', Ada with { ModifiedAt = null }, Ada, 20))).EventTime);
        Assert.Null(Change<OrderChange>(Decode(ChangeEventBuilder.Order('u', Placed, cascaded, 20))).EventTime);
        Assert.Null(Change<UserChange>(Decode(ChangeEventBuilder.User('u', null, renamed, 20))).EventTime);
        Assert.Null(Change<UserChange>(Decode(ChangeEventBuilder.User('u', Ada, renamed with { ModifiedAt = null }, 20))).EventTime);
    }

    [Fact]
    public void Event_time_of_an_update_whose_before_modified_at_is_no_timestamp_is_unknown_and_the_change_decodes()
    {
        var renamed = Ada with { Name = "Ada King", ModifiedAt = Ada.ModifiedAt!.Value.AddHours(1) };
        var json = Encoding.UTF8.GetString(ChangeEventBuilder.User('u', Ada, renamed, 20))
            .Replace("\"2024-05-01T11:00:00.000000Z\"", "\"yesterday\"", StringComparison.Ordinal);

        var change = Change<UserChange>(Decode(json));

        Assert.Equal("Ada King", change.After!.Name);
        Assert.Null(change.EventTime);
    }

    [Fact]
    public void Snapshot_reads_and_deletes_have_no_event_time()
    {
        Assert.Null(Change<UserChange>(Decode(ChangeEventBuilder.User('r', null, Ada, 10, snapshot: "true"))).EventTime);
        Assert.Null(Change<UserChange>(Decode(ChangeEventBuilder.User('d', Ada, null, 10))).EventTime);
        Assert.Null(Change<OrderChange>(Decode(ChangeEventBuilder.Order('d', Placed, null, 10))).EventTime);
    }
}
