using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcPipeline.Tests.CassandraSink;

internal sealed record UserState(Guid Id, string Name, DateOnly Dob, DateTimeOffset? CreatedAt, DateTimeOffset? ModifiedAt, bool IsDeleted);

internal sealed record OrderState(
    Guid Id, string Status, Guid UserId, int Quantity, decimal TotalAmount, DateTimeOffset? PlacedAt, DateTimeOffset? ModifiedAt, bool IsDeleted);

public enum DecimalEncoding
{
    Base64,
    String,
    Double,
}

/// <summary>
/// Writes change events in the format of <see cref="GoldenEvents"/> for any row values (tests compare the two). With
/// <c>traceParent</c>, every row image has a <c>trace_parent</c> column holding it, as PostgreSQL's rows do.
/// </summary>
internal static class ChangeEventBuilder
{
    private const string IsDeletedField = """{"type":"boolean","optional":false,"default":false,"field":"is_deleted"}""";

    public static byte[] User(
        char op, UserState? before, UserState? after, long lsn, long? lastCommitLsn = null, bool withSchema = true, string snapshot = "false",
        JsonNode? traceParent = null) =>
        Envelope("users", GoldenEvents.UsersSchema, op, before is null ? null : UserRow(before), after is null ? null : UserRow(after),
            lsn, lastCommitLsn, withSchema, snapshot, traceParent);

    public static byte[] Order(
        char op, OrderState? before, OrderState? after, long lsn, long? lastCommitLsn = null, bool withSchema = true,
        DecimalEncoding decimals = DecimalEncoding.Base64, string snapshot = "false", JsonNode? traceParent = null)
    {
        var schema = GoldenEvents.OrdersSchema;
        if (decimals != DecimalEncoding.Base64)
        {
            var type = decimals == DecimalEncoding.String ? "string" : "double";
            schema = schema.Replace(
                """{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"total_amount"}""",
                $$"""{"type":"{{type}}","optional":false,"field":"total_amount"}""",
                StringComparison.Ordinal);
        }

        return Envelope("orders", schema, op, before is null ? null : OrderRow(before, decimals), after is null ? null : OrderRow(after, decimals),
            lsn, lastCommitLsn, withSchema, snapshot, traceParent);
    }

    public static string Base64Decimal(decimal value, int scale)
    {
        var unscaled = new BigInteger(decimal.Round(value * Pow10(scale), 0));
        return Convert.ToBase64String(unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
    }

    private static decimal Pow10(int scale) => Enumerable.Repeat(10m, scale).Aggregate(1m, (a, b) => a * b);

    private static byte[] Envelope(
        string table, string schema, char op, JsonObject? before, JsonObject? after, long lsn, long? lastCommitLsn, bool withSchema, string snapshot,
        JsonNode? traceParent)
    {
        if (traceParent is not null)
        {
            schema = schema.Replace(
                IsDeletedField, IsDeletedField + """,{"type":"string","optional":true,"field":"trace_parent"}""", StringComparison.Ordinal);
            before?.Add("trace_parent", traceParent.DeepClone());
            after?.Add("trace_parent", traceParent.DeepClone());
        }

        var sequence = $"[{(lastCommitLsn is { } l ? $"\"{l}\"" : "null")},\"{lsn}\"]";
        var payload = new JsonObject
        {
            ["before"] = before,
            ["after"] = after,
            ["source"] = new JsonObject
            {
                ["version"] = "2.7.3.Final",
                ["connector"] = "postgresql",
                ["name"] = "cdc",
                ["ts_ms"] = 1714558530124L,
                ["snapshot"] = snapshot,
                ["db"] = "cdc_db",
                ["sequence"] = sequence,
                ["schema"] = "public",
                ["table"] = table,
                ["txId"] = 500 + lsn % 1000,
                ["lsn"] = lsn,
                ["xmin"] = null,
            },
            ["op"] = op.ToString(),
            ["ts_ms"] = 1714558530200L,
            ["transaction"] = null,
        };
        JsonNode root = withSchema
            ? new JsonObject { ["schema"] = JsonNode.Parse(schema), ["payload"] = payload }
            : payload;
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonObject UserRow(UserState row) => new()
    {
        ["id"] = row.Id.ToString(),
        ["name"] = row.Name,
        ["dob"] = row.Dob.DayNumber - new DateOnly(1970, 1, 1).DayNumber,
        ["created_at"] = Zoned(row.CreatedAt),
        ["modified_at"] = Zoned(row.ModifiedAt),
        ["is_deleted"] = row.IsDeleted,
    };

    private static JsonObject OrderRow(OrderState row, DecimalEncoding decimals) => new()
    {
        ["id"] = row.Id.ToString(),
        ["status"] = row.Status,
        ["user_id"] = row.UserId.ToString(),
        ["quantity"] = row.Quantity,
        ["total_amount"] = decimals switch
        {
            DecimalEncoding.Base64 => JsonValue.Create(Base64Decimal(row.TotalAmount, 2)),
            DecimalEncoding.String => JsonValue.Create(row.TotalAmount.ToString("0.00", CultureInfo.InvariantCulture)),
            _ => JsonValue.Create((double)row.TotalAmount),
        },
        ["placed_at"] = Zoned(row.PlacedAt),
        ["modified_at"] = Zoned(row.ModifiedAt),
        ["is_deleted"] = row.IsDeleted,
    };

    private static string? Zoned(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
