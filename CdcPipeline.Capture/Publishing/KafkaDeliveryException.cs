namespace CdcPipeline.Capture.Publishing;

/// <summary>Kafka refused or did not acknowledge a record: the session restarts from the slot's confirmed position.</summary>
internal sealed class KafkaDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
