using System.Text;
using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Events;

namespace CdcPipeline.Tests.Consumer;

/// <summary>What the Consumer accepts from the wire and the reason it gives for what it refuses.</summary>
public sealed class EventDecoderTests
{
    private const string Id = "4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61";

    [Fact]
    public void A_go_user_update_with_omitted_fields_and_an_offset_decodes_to_utc_microseconds()
    {
        var result = EventDecoder.DecodeUser(Bytes($$"""{"event_type":"UPDATE","user_id":"{{Id}}","name":"Ada King","modified_at":"2024-03-01T10:15:30.123456789+05:30"}"""));

        var change = Assert.IsType<UserChange>(result.Change);
        Assert.Null(result.Error);
        Assert.Equal(EventType.Update, change.Type);
        Assert.Equal("Ada King", change.Name);
        Assert.Null(change.DateOfBirth);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 4, 45, 30, TimeSpan.Zero).AddTicks(1_234_560), change.At);
    }

    [Fact]
    public void A_go_order_delete_without_user_quantity_or_total_decodes()
    {
        var result = EventDecoder.DecodeOrder(Bytes($$"""{"event_type":"DELETE","order_id":"{{Id}}","order_status":"CANCELLED","modified_at":"2024-03-01T07:00:00-03:30"}"""));

        var change = Assert.IsType<OrderChange>(result.Change);
        Assert.Equal("CANCELLED", change.Status);
        Assert.Null(change.UserId);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 30, 0, TimeSpan.Zero), change.At);
    }

    [Theory]
    [InlineData("""{"event_type":"CREATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada","dob":"1990-05-17"}""", "created_at is required for a user CREATE")]
    [InlineData("""{"event_type":"CREATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","dob":"1990-05-17","created_at":"2024-03-01T10:00:00Z"}""", "name is required for a user CREATE")]
    [InlineData("""{"event_type":"UPDATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada"}""", "modified_at is required for a user UPDATE")]
    [InlineData("""{"event_type":"DELETE","user_id":"00000000-0000-0000-0000-000000000000","modified_at":"2024-03-01T10:00:00Z"}""", "user_id is the nil UUID")]
    [InlineData("""{"event_type":7,"user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","modified_at":"2024-03-01T10:00:00Z"}""", "event_type")]
    [InlineData("""{"event_type":"DELETE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","modified_at":"2024-03-01 10:00"}""", "modified_at")]
    [InlineData("""{"event_type":"CREATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada","dob":"17/05/1990","created_at":"2024-03-01T10:00:00Z"}""", "$.dob")]
    [InlineData("""null""", "the JSON value is null")]
    public void A_user_event_that_cannot_be_applied_gets_a_reason_naming_the_field(string json, string reason)
    {
        var result = EventDecoder.DecodeUser(Bytes(json));

        Assert.Null(result.Change);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"event_type":"CREATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"PLACED","quantity":1,"order_total":1,"placed_at":"2024-03-01T10:00:00Z"}""", "user_id is required for an order CREATE")]
    [InlineData("""{"event_type":"CREATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"PLACED","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","quantity":-4,"order_total":1,"placed_at":"2024-03-01T10:00:00Z"}""", "quantity must be positive (was -4)")]
    [InlineData("""{"event_type":"CREATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"PLACED","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","quantity":1,"order_total":-0.5,"placed_at":"2024-03-01T10:00:00Z"}""", "order_total must be between 0 and 99999999.99")]
    [InlineData("""{"event_type":"CREATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"PLACED","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","quantity":1,"order_total":99999999.995,"placed_at":"2024-03-01T10:00:00Z"}""", "order_total must be between")]
    [InlineData("""{"event_type":"CREATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"PLACED","user_id":"9b2e7c41-3f0a-4d5e-8b6c-7a1d2e3f4b52","quantity":1,"order_total":1}""", "placed_at is required for an order CREATE")]
    [InlineData("""{"event_type":"UPDATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"SHIPPED"}""", "modified_at is required for an order UPDATE")]
    [InlineData("""{"event_type":"UPDATE","order_status":"SHIPPED","modified_at":"2024-03-01T10:00:00Z"}""", "order_id")]
    [InlineData("""{"event_type":"UPDATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"RETURNED","modified_at":"2024-03-01T10:00:00Z"}""", "$.order_status")]
    [InlineData("""{"event_type":"UPDATE","order_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","order_status":"SHIPPED","modified_at":"2024-03-01T10:00:00Z","quantity":"three"}""", "$.quantity")]
    public void An_order_event_that_cannot_be_applied_gets_a_reason_naming_the_field(string json, string reason)
    {
        var result = EventDecoder.DecodeOrder(Bytes(json));

        Assert.Null(result.Change);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_fifty_characters_fits_and_fifty_one_do_not()
    {
        string Create(string name) => $$"""{"event_type":"CREATE","user_id":"{{Id}}","name":"{{name}}","dob":"1990-05-17","created_at":"2024-03-01T10:00:00Z"}""";

        Assert.NotNull(EventDecoder.DecodeUser(Bytes(Create(new string('é', 50)))).Change);
        Assert.Equal("name is longer than 50 characters (51)", EventDecoder.DecodeUser(Bytes(Create(new string('é', 51)))).Error);
    }

    [Fact]
    public void A_bad_timestamp_is_refused_naming_the_field_and_the_parsers_reason()
    {
        const string json = """{"event_type":"CREATE","user_id":"4f6c2a0e-8d1b-4e43-9a57-1c2d3e4f5a61","name":"Ada","dob":"1990-05-17","created_at":"2024-03-01 10:00:00"}""";
        var parser = Assert.ThrowsAny<System.Text.Json.JsonException>(
            () => System.Text.Json.JsonSerializer.Deserialize(Bytes(json), EventJsonContext.Default.UserEvent));
        Assert.NotNull(parser.InnerException);

        var result = EventDecoder.DecodeUser(Bytes(json));

        Assert.Null(result.Change);
        Assert.Contains("$.created_at", result.Error, StringComparison.Ordinal);
        Assert.Contains(parser.InnerException.Message, result.Error, StringComparison.Ordinal);
    }

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}
