using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>Source-generated serializers for the wire events (no reflection on the hot path).</summary>
[JsonSerializable(typeof(UserEvent))]
[JsonSerializable(typeof(OrderEvent))]
public sealed partial class EventJsonContext : JsonSerializerContext;
