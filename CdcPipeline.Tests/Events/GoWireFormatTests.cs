using System.Text;
using System.Text.Json;
using CdcPipeline.Events;

namespace CdcPipeline.Tests.Events;

/// <summary>Events as the Go original's <c>encoding/json</c> writes them, byte for byte.</summary>
public sealed class GoWireFormatTests
{
    private const string UserId = "5f0c8a4e-2b7d-4c1a-9e3f-8a6b2d4c1e90";
    private const string OrderId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    public static TheoryData<string> GoUserEvents =>
    [
        $$"""{"event_type":"CREATE","user_id":"{{UserId}}","name":"Dana O'Keefe","dob":"1990-05-17","created_at":"2024-03-01T10:15:30.123456+05:30"}""",
        $$"""{"event_type":"CREATE","user_id":"{{UserId}}","name":"Zoë \"Z\" \u003cb\u003e\u0026 \\ \n\t\u0001\u2028\u2029 李+1 é","dob":"2015-12-31","created_at":"2024-03-01T10:15:30Z"}""",
        $$"""{"event_type":"UPDATE","user_id":"{{UserId}}","name":"Sam","modified_at":"2024-03-01T10:15:30.1234567-08:00"}""",
        $$"""{"event_type":"DELETE","user_id":"{{UserId}}","modified_at":"2024-03-01T10:15:30.5Z"}""",
    ];

    public static TheoryData<string> GoOrderEvents =>
    [
        $$"""{"event_type":"CREATE","order_id":"{{OrderId}}","order_status":"PLACED","user_id":"{{UserId}}","quantity":3,"order_total":76.5,"placed_at":"2024-03-01T10:15:30.25+02:00"}""",
        $$"""{"event_type":"UPDATE","order_id":"{{OrderId}}","order_status":"SHIPPED","modified_at":"2024-03-01T10:15:31Z"}""",
        $$"""{"event_type":"DELETE","order_id":"{{OrderId}}","order_status":"CANCELLED","modified_at":"2024-03-01T10:15:32.000001Z"}""",
    ];

    [Theory]
    [MemberData(nameof(GoUserEvents))]
    public void User_event_written_by_Go_is_written_back_to_the_same_bytes(string go)
    {
        var read = JsonSerializer.Deserialize(go, EventJsonContext.Default.UserEvent)!;

        Assert.Equal(go, Encoding.UTF8.GetString(EventJson.Serialize(read)));
    }

    [Theory]
    [MemberData(nameof(GoOrderEvents))]
    public void Order_event_written_by_Go_is_written_back_to_the_same_bytes(string go)
    {
        var read = JsonSerializer.Deserialize(go, EventJsonContext.Default.OrderEvent)!;

        Assert.Equal(go, Encoding.UTF8.GetString(EventJson.Serialize(read)));
    }

    [Fact]
    public void Go_user_event_is_read_field_by_field()
    {
        const string go = $$"""{"event_type":"CREATE","user_id":"{{UserId}}","name":"Dana O'Keefe","dob":"1990-05-17","created_at":"2024-03-01T10:15:30.123456789+05:30"}""";

        var user = JsonSerializer.Deserialize(go, EventJson.Context.UserEvent)!;

        Assert.Equal(EventType.Create, user.EventType);
        Assert.Equal(Guid.Parse(UserId), user.UserId);
        Assert.Equal("Dana O'Keefe", user.Name);
        Assert.Equal(new DateOnly(1990, 5, 17), user.DateOfBirth);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.FromMinutes(330)).AddTicks(1_234_567), user.CreatedAt);
        Assert.Null(user.ModifiedAt);
    }

    [Fact]
    public void Event_built_in_dotnet_is_written_as_Go_writes_it()
    {
        var user = new UserEvent
        {
            EventType = EventType.Create,
            UserId = Guid.Parse(UserId),
            Name = "Dana O'Keefe <dana@example.com>",
            DateOfBirth = new DateOnly(1990, 5, 17),
            CreatedAt = new DateTimeOffset(2024, 3, 1, 10, 15, 30, 120, TimeSpan.FromHours(2)),
        };

        var bytes = EventJson.Serialize(user);

        Assert.Equal(
            $$"""{"event_type":"CREATE","user_id":"{{UserId}}","name":"Dana O'Keefe \u003cdana@example.com\u003e","dob":"1990-05-17","created_at":"2024-03-01T10:15:30.12+02:00"}""",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Non_ascii_is_written_as_raw_utf8()
    {
        var bytes = EventJson.Serialize(new UserEvent { EventType = EventType.Update, UserId = Guid.Parse(UserId), Name = "李" });

        Assert.Equal(Encoding.UTF8.GetBytes($$"""{"event_type":"UPDATE","user_id":"{{UserId}}","name":"李"}"""), bytes);
        Assert.Equal([0xE6, 0x9D, 0x8E], bytes[^5..^2]);
    }
}
