namespace CdcPipeline.Consumer.Processing;

/// <summary>Why an event is dead-lettered: its kind (a metric tag), the reason a person reads, and the error if any.</summary>
internal sealed record DeadLetterReason(string Kind, string Text, Exception? Error = null);
