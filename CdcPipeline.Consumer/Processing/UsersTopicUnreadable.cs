namespace CdcPipeline.Consumer.Processing;

/// <summary>Kafka could not tell the users topic's progress since <see cref="Since"/> (UTC); <see cref="LastError"/> is its latest failure.</summary>
internal sealed record UsersTopicUnreadable(DateTimeOffset Since, string LastError);
