using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>
/// Source-generated serializers for the wire events (no reflection on the hot path). A field given twice is refused
/// (Go's encoding/json keeps the last): which one a reader takes would be a guess.
/// </summary>
[JsonSourceGenerationOptions(AllowDuplicateProperties = false)]
[JsonSerializable(typeof(UserEvent))]
[JsonSerializable(typeof(OrderEvent))]
public sealed partial class EventJsonContext : JsonSerializerContext;
