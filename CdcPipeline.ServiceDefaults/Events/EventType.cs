using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

[JsonConverter(typeof(JsonStringEnumConverter<EventType>))]
public enum EventType
{
    [JsonStringEnumMemberName("CREATE")]
    Create,

    [JsonStringEnumMemberName("UPDATE")]
    Update,

    [JsonStringEnumMemberName("DELETE")]
    Delete,
}
