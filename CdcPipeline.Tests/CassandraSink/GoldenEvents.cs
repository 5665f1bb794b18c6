namespace CdcPipeline.Tests.CassandraSink;

/// <summary>
/// Change events as Debezium's PostgreSQL connector (2.x, pgoutput, JsonConverter) writes them for the tables of
/// sql/postgres/001-schema.sql, following the connector documentation's examples: the envelope with
/// before/after/source/op/ts_ms/transaction, source with lsn/sequence/txId/snapshot, and the column encodings
/// (uuid as io.debezium.data.Uuid, date as io.debezium.time.Date days, timestamptz as io.debezium.time.ZonedTimestamp,
/// decimal(10,2) as org.apache.kafka.connect.data.Decimal base64 with the scale as schema parameter).
/// </summary>
internal static class GoldenEvents
{
    public const string UserId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    public const string OrderId = "9b2c1c5e-7d1a-4a5e-8f0e-2b1f4c6d7e80";

    private const string UserFields = """
        [
          {"type":"string","optional":false,"name":"io.debezium.data.Uuid","version":1,"field":"id"},
          {"type":"string","optional":false,"field":"name"},
          {"type":"int32","optional":false,"name":"io.debezium.time.Date","version":1,"field":"dob"},
          {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"created_at"},
          {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"modified_at"},
          {"type":"boolean","optional":false,"default":false,"field":"is_deleted"}
        ]
        """;

    private const string OrderFields = """
        [
          {"type":"string","optional":false,"name":"io.debezium.data.Uuid","version":1,"field":"id"},
          {"type":"string","optional":false,"field":"status"},
          {"type":"string","optional":false,"name":"io.debezium.data.Uuid","version":1,"field":"user_id"},
          {"type":"int32","optional":false,"field":"quantity"},
          {"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"total_amount"},
          {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"placed_at"},
          {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"modified_at"},
          {"type":"boolean","optional":false,"default":false,"field":"is_deleted"}
        ]
        """;

    public const string SourceFields = """
        [
          {"type":"string","optional":false,"field":"version"},
          {"type":"string","optional":false,"field":"connector"},
          {"type":"string","optional":false,"field":"name"},
          {"type":"int64","optional":false,"field":"ts_ms"},
          {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,last,false,incremental"},"default":"false","field":"snapshot"},
          {"type":"string","optional":false,"field":"db"},
          {"type":"string","optional":true,"field":"sequence"},
          {"type":"string","optional":false,"field":"schema"},
          {"type":"string","optional":false,"field":"table"},
          {"type":"int64","optional":true,"field":"txId"},
          {"type":"int64","optional":true,"field":"lsn"},
          {"type":"int64","optional":true,"field":"xmin"}
        ]
        """;

    public static string UsersSchema => EnvelopeSchema("users", UserFields);

    public static string OrdersSchema => EnvelopeSchema("orders", OrderFields);

    public static string EnvelopeSchema(string table, string rowFields) => $$"""
        {
          "type":"struct",
          "fields":[
            {"type":"struct","fields":{{rowFields}},"optional":true,"name":"cdc.public.{{table}}.Value","field":"before"},
            {"type":"struct","fields":{{rowFields}},"optional":true,"name":"cdc.public.{{table}}.Value","field":"after"},
            {"type":"struct","fields":{{SourceFields}},"optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source"},
            {"type":"string","optional":false,"field":"op"},
            {"type":"int64","optional":true,"field":"ts_ms"},
            {"type":"struct","fields":[
              {"type":"string","optional":false,"field":"id"},
              {"type":"int64","optional":false,"field":"total_order"},
              {"type":"int64","optional":false,"field":"data_collection_order"}
            ],"optional":true,"name":"event.block","version":1,"field":"transaction"}
          ],
          "optional":false,
          "name":"cdc.public.{{table}}.Envelope",
          "version":1
        }
        """;

    /// <summary>The JsonConverter's form with <c>schemas.enable=true</c>: the value's schema beside its payload.</summary>
    private static string WithSchema(string schema, string payload) => $$"""
        {
          "schema": {{schema}},
          "payload": {{payload}}
        }
        """;

    /// <summary>Debezium 2.x's envelope of one change: the rows as the connector writes them, its source block, op and ts_ms.</summary>
    private static string Change(string before, string after, string source, string op, long tsMs) => $$"""
        {
          "before": {{before}},
          "after": {{after}},
          "source": {{source}},
          "op": "{{op}}",
          "ts_ms": {{tsMs}},
          "transaction": null
        }
        """;

    /// <summary>Debezium 2.7's source block of a change of <c>public.{table}</c>; <paramref name="sequence"/> as it stands in the JSON string.</summary>
    private static string Source(string table, long tsMs, string sequence, long txId, long lsn, string snapshot = "false") => $$"""
        {
          "version": "2.7.3.Final", "connector": "postgresql", "name": "cdc", "ts_ms": {{tsMs}},
          "snapshot": "{{snapshot}}", "db": "cdc_db", "sequence": "{{sequence}}",
          "schema": "public", "table": "{{table}}", "txId": {{txId}}, "lsn": {{lsn}}, "xmin": null
        }
        """;

    /// <summary>INSERT of a user, with schemas. dob 1990-05-17 is day 7441.</summary>
    public static readonly string UserCreateWithSchema = WithSchema(UsersSchema, Change(
        before: "null",
        after: $$"""
            {
              "id": "{{UserId}}",
              "name": "Ada Lovelace",
              "dob": 7441,
              "created_at": "2024-05-01T10:15:30.123456Z",
              "modified_at": null,
              "is_deleted": false
            }
            """,
        Source("users", 1714558530124, """[\"24023104\",\"24023128\"]""", txId: 555, lsn: 24023128),
        "c",
        1714558530200));

    /// <summary>The same user read by the initial snapshot, without schemas (schemas.enable=false).</summary>
    public static readonly string UserSnapshotReadWithoutSchema = Change(
        before: "null",
        after: $$"""
            {
              "id": "{{UserId}}", "name": "Ada Lovelace", "dob": -1767,
              "created_at": "2024-05-01T10:15:30Z", "modified_at": null, "is_deleted": false
            }
            """,
        Source("users", 1714558000000, """[null,\"23900000\"]""", txId: 540, lsn: 23900000, snapshot: "first"),
        "r",
        1714558000100);

    /// <summary>UPDATE of the user's name (REPLICA IDENTITY FULL: the whole old row in before), without schemas.</summary>
    public static readonly string UserUpdateWithoutSchema = Change(
        before: $$"""
            {
              "id": "{{UserId}}", "name": "Ada Lovelace", "dob": 7441,
              "created_at": "2024-05-01T10:15:30.123456Z", "modified_at": null, "is_deleted": false
            }
            """,
        after: $$"""
            {
              "id": "{{UserId}}", "name": "Ada King", "dob": 7441,
              "created_at": "2024-05-01T10:15:30.123456Z", "modified_at": "2024-05-02T08:00:00.5+02:00", "is_deleted": false
            }
            """,
        Source("users", 1714629600600, """[\"24023200\",\"24023256\"]""", txId: 556, lsn: 24023256),
        "u",
        1714629600700);

    /// <summary>DELETE of the user, with schemas: after is null, before holds the old row.</summary>
    public static readonly string UserDeleteWithSchema = WithSchema(UsersSchema, Change(
        before: $$"""
            {
              "id": "{{UserId}}", "name": "Ada King", "dob": 7441,
              "created_at": "2024-05-01T10:15:30.123456Z", "modified_at": "2024-05-02T06:00:00.5Z", "is_deleted": true
            }
            """,
        after: "null",
        Source("users", 1714640000000, """[\"24023300\",\"24023360\"]""", txId: 560, lsn: 24023360),
        "d",
        1714640000100));

    /// <summary>INSERT of an order of 123.45 (unscaled 12345 = 0x3039, base64 "MDk="), with schemas.</summary>
    public static readonly string OrderCreateWithSchema = WithSchema(OrdersSchema, Change(
        before: "null",
        after: $$"""
            {
              "id": "{{OrderId}}", "status": "PLACED", "user_id": "{{UserId}}", "quantity": 3,
              "total_amount": "MDk=", "placed_at": "2024-05-01T10:16:00.000001Z", "modified_at": null, "is_deleted": false
            }
            """,
        Source("orders", 1714558560000, """[\"24023128\",\"24023160\"]""", txId: 557, lsn: 24023160),
        "c",
        1714558560100));

    /// <summary>UPDATE of the order to SHIPPED, without schemas: total_amount stays base64 and needs the configured scale.</summary>
    public static readonly string OrderUpdateWithoutSchema = Change(
        before: $$"""
            {
              "id": "{{OrderId}}", "status": "PLACED", "user_id": "{{UserId}}", "quantity": 3,
              "total_amount": "MDk=", "placed_at": "2024-05-01T10:16:00.000001Z", "modified_at": null, "is_deleted": false
            }
            """,
        after: $$"""
            {
              "id": "{{OrderId}}", "status": "SHIPPED", "user_id": "{{UserId}}", "quantity": 3,
              "total_amount": "MDk=", "placed_at": "2024-05-01T10:16:00.000001Z", "modified_at": "2024-05-03T09:00:00Z", "is_deleted": false
            }
            """,
        Source("orders", 1714726800000, """[\"24023360\",\"24023400\"]""", txId: 561, lsn: 24023400),
        "u",
        1714726800100);

    /// <summary>DELETE of the order, with schemas.</summary>
    public static readonly string OrderDeleteWithSchema = WithSchema(OrdersSchema, Change(
        before: $$"""
            {
              "id": "{{OrderId}}", "status": "SHIPPED", "user_id": "{{UserId}}", "quantity": 3,
              "total_amount": "MDk=", "placed_at": "2024-05-01T10:16:00.000001Z", "modified_at": "2024-05-03T09:00:00Z", "is_deleted": false
            }
            """,
        after: "null",
        Source("orders", 1714800000000, """[\"24023400\",\"24023480\"]""", txId: 570, lsn: 24023480),
        "d",
        1714800000100));

    /// <summary>The JsonConverter's form of the tombstone Debezium sends after a delete: a null value.</summary>
    public static readonly byte[]? Tombstone = null;

    /// <summary>A change of a table the sink does not know (e.g. routed into a sink topic).</summary>
    public static readonly string PaymentCreateWithoutSchema = Change(
        before: "null",
        after: """{"id": 7, "amount": "AQ=="}""",
        Source("payments", 1714558560000, """[\"24023128\",\"24023170\"]""", txId: 557, lsn: 24023170),
        "c",
        1714558560100);

    /// <summary>Debezium 3.x adds ts_us/ts_ns to source and envelope and more snapshot values (Enum parameter below).</summary>
    public const string SourceFieldsV3 = """
        [
          {"type":"string","optional":false,"field":"version"},
          {"type":"string","optional":false,"field":"connector"},
          {"type":"string","optional":false,"field":"name"},
          {"type":"int64","optional":false,"field":"ts_ms"},
          {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},
          {"type":"string","optional":false,"field":"db"},
          {"type":"string","optional":true,"field":"sequence"},
          {"type":"int64","optional":true,"field":"ts_us"},
          {"type":"int64","optional":true,"field":"ts_ns"},
          {"type":"string","optional":false,"field":"schema"},
          {"type":"string","optional":false,"field":"table"},
          {"type":"int64","optional":true,"field":"txId"},
          {"type":"int64","optional":true,"field":"lsn"},
          {"type":"int64","optional":true,"field":"xmin"}
        ]
        """;

    public static string UsersSchemaV3 => EnvelopeSchema("users", UserFields).Replace(SourceFields, SourceFieldsV3, StringComparison.Ordinal)
        .Replace("""{"type":"int64","optional":true,"field":"ts_ms"},""",
            """{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},""",
            StringComparison.Ordinal);

    /// <summary>A user as Debezium 3.6.1 writes it, with schemas; <paramref name="snapshot"/> and <paramref name="op"/> vary.</summary>
    public static string UserDebezium3(string op, string snapshot) => $$"""
        {
          "schema": {{UsersSchemaV3}},
          "payload": {
            "before": null,
            "after": {
              "id": "{{UserId}}", "name": "Ada Lovelace", "dob": 7441,
              "created_at": "2024-05-01T10:15:30.123456Z", "modified_at": null, "is_deleted": false
            },
            "source": {
              "version": "3.6.1.Final", "connector": "postgresql", "name": "cdc", "ts_ms": 1714558530124,
              "snapshot": "{{snapshot}}", "db": "cdc_db", "sequence": "[\"24023104\",\"24023128\"]",
              "ts_us": 1714558530124311, "ts_ns": 1714558530124311000,
              "schema": "public", "table": "users", "txId": 555, "lsn": 24023128, "xmin": null
            },
            "transaction": null,
            "op": "{{op}}",
            "ts_ms": 1714558530200,
            "ts_us": 1714558530200457,
            "ts_ns": 1714558530200457812
          }
        }
        """;
}
