using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>What happened to the entity; on the wire exactly <c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c>.</summary>
[JsonConverter(typeof(EventTypeConverter))]
public enum EventType
{
    Create,
    Update,
    Delete,
}
