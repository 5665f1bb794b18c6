namespace CdcPipeline.Consumer.Persistence;


/// <summary>PostgreSQL has failed since <see cref="Since"/> (UTC); <see cref="LastError"/> is its latest failure.</summary>
internal sealed record DatabaseOutage(DateTimeOffset Since, string LastError);
