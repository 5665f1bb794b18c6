namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>A message could not be written to its dead-letter topic: its offset must not be committed.</summary>
public sealed class KafkaDeadLetterException(string message, Exception innerException)
    : Exception(message, innerException);
