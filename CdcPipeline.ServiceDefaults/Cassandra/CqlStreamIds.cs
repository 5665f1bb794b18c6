using System.Collections.Concurrent;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// The stream ids of one connection: a request waits for a free slot, rents an id (a returned one first, else the next
/// never used) and returns it when its response arrives.
/// </summary>
internal sealed class CqlStreamIds(int count)
{
    // Never disposed: a request racing with the connection's close must get CqlConnectionException, not ObjectDisposedException.
    private readonly SemaphoreSlim _slots = new(count, count);
    private readonly ConcurrentStack<short> _free = new();
    private int _nextFresh;

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>An id for a request that has waited for its slot.</summary>
    public short Rent() => _free.TryPop(out var streamId) ? streamId : (short)(Interlocked.Increment(ref _nextFresh) - 1);

    public void Return(short streamId)
    {
        _free.Push(streamId);
        _slots.Release();
    }
}
