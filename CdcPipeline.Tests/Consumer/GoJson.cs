using System.Globalization;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// Events as the original Go producer writes them (encoding/json of its structs): fields in declaration order,
/// optional fields omitted, <c>dob</c> as a date, timestamps in RFC 3339 with nanoseconds (trailing zeros
/// trimmed) and the event's own UTC offset, <c>order_total</c> as Go's shortest float.
/// </summary>
internal static class GoJson
{
    public static string UserCreate(Guid id, string name, DateOnly dob, DateTimeOffset createdAt) =>
        $$"""{"event_type":"CREATE","user_id":"{{id}}","name":"{{name}}","dob":"{{dob:yyyy-MM-dd}}","created_at":"{{Time(createdAt)}}"}""";

    public static string UserUpdate(Guid id, string name, DateTimeOffset modifiedAt) =>
        $$"""{"event_type":"UPDATE","user_id":"{{id}}","name":"{{name}}","modified_at":"{{Time(modifiedAt)}}"}""";

    public static string UserDelete(Guid id, DateTimeOffset modifiedAt) =>
        $$"""{"event_type":"DELETE","user_id":"{{id}}","modified_at":"{{Time(modifiedAt)}}"}""";

    public static string OrderCreate(Guid id, Guid userId, int quantity, double total, DateTimeOffset placedAt) =>
        $$"""{"event_type":"CREATE","order_id":"{{id}}","order_status":"PLACED","user_id":"{{userId}}","quantity":{{quantity}},"order_total":{{total.ToString("R", CultureInfo.InvariantCulture)}},"placed_at":"{{Time(placedAt)}}"}""";

    public static string OrderUpdate(Guid id, DateTimeOffset modifiedAt) =>
        $$"""{"event_type":"UPDATE","order_id":"{{id}}","order_status":"SHIPPED","modified_at":"{{Time(modifiedAt)}}"}""";

    public static string OrderDelete(Guid id, DateTimeOffset modifiedAt) =>
        $$"""{"event_type":"DELETE","order_id":"{{id}}","order_status":"CANCELLED","modified_at":"{{Time(modifiedAt)}}"}""";

    /// <summary>Go's RFC3339Nano: <c>2006-01-02T15:04:05.999999999Z07:00</c>.</summary>
    public static string Time(DateTimeOffset value)
    {
        var fraction = (value.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        var offset = value.Offset == TimeSpan.Zero ? "Z" : value.ToString("zzz", CultureInfo.InvariantCulture);
        return value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : string.Empty) + offset;
    }
}
