using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CdcPipeline.Events;

namespace CdcPipeline.Consumer.Decoding;

/// <summary>
/// Parses the original pipeline's JSON events and checks them against what the schema accepts, so a bad
/// event is set aside with a reason that names the field before anything is written.
/// </summary>
internal static class EventDecoder
{
    public const int MaxNameLength = 50;

    /// <summary>numeric(10,2): the largest total PostgreSQL stores after rounding to cents.</summary>
    public const decimal MaxOrderTotal = 99_999_999.99m;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static DecodeResult DecodeUser(ReadOnlySpan<byte> json) =>
        Parse(json, EventJsonContext.Default.UserEvent, "user", out var user) ?? Validate(user!);

    public static DecodeResult DecodeOrder(ReadOnlySpan<byte> json) =>
        Parse(json, EventJsonContext.Default.OrderEvent, "order", out var order) ?? Validate(order!);

    /// <summary>The event, or the reason it cannot be parsed (then the result is not null).</summary>
    private static DecodeResult? Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string kind, out T? value)
        where T : class
    {
        value = null;
        if (json.IsEmpty)
        {
            return DecodeResult.Invalid($"empty message: {(kind == "order" ? "an" : "a")} {kind} event needs a JSON value");
        }

        try
        {
            value = JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            return DecodeResult.Invalid($"malformed {kind} event: {Describe(exception)}");
        }

        return value is null ? DecodeResult.Invalid($"malformed {kind} event: the JSON value is null") : null;
    }

    private static DecodeResult Validate(UserEvent user)
    {
        if (!Enum.IsDefined(user.EventType))
        {
            return DecodeResult.Invalid($"unknown event_type {(int)user.EventType}: expected CREATE, UPDATE or DELETE");
        }

        if (user.UserId == Guid.Empty)
        {
            return DecodeResult.Invalid("user_id is the nil UUID");
        }

        if (user.Name is not null && NameError(user.Name) is { } nameError)
        {
            return DecodeResult.Invalid(nameError);
        }

        switch (user.EventType)
        {
            case EventType.Create:
                if (string.IsNullOrEmpty(user.Name))
                {
                    return DecodeResult.Invalid("name is required for a user CREATE");
                }

                if (user.DateOfBirth is null)
                {
                    return DecodeResult.Invalid("dob is required for a user CREATE");
                }

                return user.CreatedAt is { } createdAt
                    ? DecodeResult.Valid(new UserChange(EventType.Create, user.UserId, user.Name, user.DateOfBirth, ToDatabasePrecision(createdAt)))
                    : DecodeResult.Invalid("created_at is required for a user CREATE");

            default:
                return user.ModifiedAt is { } modifiedAt
                    ? DecodeResult.Valid(new UserChange(user.EventType, user.UserId, user.Name, null, ToDatabasePrecision(modifiedAt)))
                    : DecodeResult.Invalid($"modified_at is required for a user {WireNames.Of(user.EventType)}");
        }
    }

    private static DecodeResult Validate(OrderEvent order)
    {
        if (!Enum.IsDefined(order.EventType))
        {
            return DecodeResult.Invalid($"unknown event_type {(int)order.EventType}: expected CREATE, UPDATE or DELETE");
        }

        if (!Enum.IsDefined(order.Status))
        {
            return DecodeResult.Invalid($"unknown order_status {(int)order.Status}: expected PLACED, SHIPPED or CANCELLED");
        }

        if (order.OrderId == Guid.Empty)
        {
            return DecodeResult.Invalid("order_id is the nil UUID");
        }

        if (order.UserId == Guid.Empty)
        {
            return DecodeResult.Invalid("user_id is the nil UUID");
        }

        var status = WireNames.Of(order.Status);
        if (order.EventType != EventType.Create)
        {
            return order.ModifiedAt is { } modifiedAt
                ? DecodeResult.Valid(new OrderChange(order.EventType, order.OrderId, status, order.UserId, null, null, ToDatabasePrecision(modifiedAt)))
                : DecodeResult.Invalid($"modified_at is required for an order {WireNames.Of(order.EventType)}");
        }

        if (order.UserId is not { } userId)
        {
            return DecodeResult.Invalid("user_id is required for an order CREATE");
        }

        if (order.Quantity is not { } quantity)
        {
            return DecodeResult.Invalid("quantity is required for an order CREATE");
        }

        if (quantity <= 0)
        {
            return DecodeResult.Invalid($"quantity must be positive (was {quantity.ToString(CultureInfo.InvariantCulture)})");
        }

        if (order.OrderTotal is not { } total)
        {
            return DecodeResult.Invalid("order_total is required for an order CREATE");
        }

        if (total < 0 || Math.Round(total, 2, MidpointRounding.AwayFromZero) > MaxOrderTotal)
        {
            return DecodeResult.Invalid(
                $"order_total must be between 0 and {MaxOrderTotal.ToString(CultureInfo.InvariantCulture)} (was {total.ToString(CultureInfo.InvariantCulture)})");
        }

        return order.PlacedAt is { } placedAt
            ? DecodeResult.Valid(new OrderChange(EventType.Create, order.OrderId, status, userId, quantity, total, ToDatabasePrecision(placedAt)))
            : DecodeResult.Invalid("placed_at is required for an order CREATE");
    }

    /// <summary>
    /// The parser's message, with the JSON path of the offending field when the message lacks it, and the inner
    /// error's message (the strict converters put the value and why it is refused there).
    /// </summary>
    private static string Describe(Exception exception)
    {
        var message = exception is JsonException { Path: { } path } && !exception.Message.Contains(path, StringComparison.Ordinal)
            ? $"{exception.Message} Path: {path}"
            : exception.Message;
        return exception.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{message} ({inner.Message})"
            : message;
    }

    private static string? NameError(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "name contains a NUL character, which PostgreSQL text cannot store";
        }

        try
        {
            StrictUtf8.GetByteCount(name);
        }
        catch (ArgumentException)
        {
            return "name is not valid Unicode (it contains a lone surrogate)";
        }

        var length = name.EnumerateRunes().Count();
        return length > MaxNameLength
            ? $"name is longer than {MaxNameLength} characters ({length.ToString(CultureInfo.InvariantCulture)})"
            : null;
    }

    /// <summary>UTC, truncated to microseconds: the value PostgreSQL stores, so comparisons with stored rows are exact.</summary>
    private static DateTimeOffset ToDatabasePrecision(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }
}
