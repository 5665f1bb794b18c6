using Confluent.Kafka;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// What one bootstrap address answered to a metadata request: the broker that answered and the brokers it lists,
/// or why it did not answer. <see cref="AnsweredBy"/> is -1 when the client did not know the answering broker's id.
/// </summary>
internal sealed record BrokerAnswer(string Address, int AnsweredBy, IReadOnlyList<BrokerMetadata> Brokers, string? Error = null)
{
    public static BrokerAnswer Failed(string address, string error) => new(address, -1, [], error);

    public bool Answered => Error is null;

    /// <summary>The broker ids this address sees, in order.</summary>
    public IReadOnlyList<int> BrokerIds => [.. Brokers.Select(b => b.BrokerId).Order()];
}
