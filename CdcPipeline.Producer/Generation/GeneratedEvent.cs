using CdcPipeline.Events;

namespace CdcPipeline.Producer.Generation;

/// <summary>One event ready to send: its Kafka key (the entity id) and its JSON in the original's wire format.</summary>
internal sealed record GeneratedEvent(EntityKind Kind, EventType Type, string Key, byte[] Json);
