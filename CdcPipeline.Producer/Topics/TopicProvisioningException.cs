namespace CdcPipeline.Producer.Topics;

/// <summary>A topic the Producer needs is missing or has fewer partitions than configured.</summary>
internal sealed class TopicProvisioningException(string message, Exception? innerException = null)
    : Exception(message, innerException);
