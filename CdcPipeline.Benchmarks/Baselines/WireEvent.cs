using System.Globalization;
using System.Text.Json;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>One Producer event, decoded beforehand so a baseline times only its writes.</summary>
internal sealed record WireEvent(bool IsUser, string Type, Guid Id, DateTimeOffset Time, JsonElement Body)
{
    public static WireEvent Parse(bool isUser, byte[] json)
    {
        var body = JsonDocument.Parse(json).RootElement;
        var type = body.GetProperty("event_type").GetString() ?? throw new InvalidDataException("event without event_type");
        var id = Guid.Parse(body.GetProperty(isUser ? "user_id" : "order_id").GetString()!);
        var timeField = type == "CREATE" ? (isUser ? "created_at" : "placed_at") : "modified_at";
        return new WireEvent(isUser, type, id, Timestamp(body, timeField), body);
    }

    public string Text(string name) => Body.GetProperty(name).GetString()!;

    public DateTimeOffset Timestamp(string name) => Timestamp(Body, name);

    private static DateTimeOffset Timestamp(JsonElement body, string name) =>
        DateTimeOffset.Parse(body.GetProperty(name).GetString()!, CultureInfo.InvariantCulture).ToUniversalTime();
}
