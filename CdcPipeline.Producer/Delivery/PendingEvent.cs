namespace CdcPipeline.Producer.Delivery;

/// <summary>One accepted event on its way to Kafka: when it was handed to the client, when it settled.</summary>
internal sealed class PendingEvent(string key)
{
    private readonly TaskCompletionSource _handedOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Key { get; } = key;

    public Task HandedOver => _handedOver.Task;

    public Task Settled => _settled.Task;

    public void MarkHandedOver() => _handedOver.TrySetResult();

    public void MarkSettled() => _settled.TrySetResult();
}
