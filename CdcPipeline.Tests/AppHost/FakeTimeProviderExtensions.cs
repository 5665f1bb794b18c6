using Microsoft.Extensions.Time.Testing;

namespace CdcPipeline.Tests.AppHost;

internal static class FakeTimeProviderExtensions
{
    /// <summary>
    /// Moves time on by <paramref name="step"/> until <paramref name="done"/> holds. A step taken before the code under
    /// test waits on its timer does not reach that timer, so the step is repeated (with a short real pause for the
    /// code to run) instead of waiting for a timer to be pending.
    /// </summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider time, TimeSpan step, Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
        {
            time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <inheritdoc cref="AdvanceUntilAsync(FakeTimeProvider, TimeSpan, Func{bool}, CancellationToken)"/>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider time, TimeSpan step, Task until, CancellationToken cancellationToken)
    {
        await time.AdvanceUntilAsync(step, () => until.IsCompleted, cancellationToken);
        await until;
    }

    /// <inheritdoc cref="AdvanceUntilAsync(FakeTimeProvider, TimeSpan, Func{bool}, CancellationToken)"/>
    public static async Task<T> AdvanceUntilAsync<T>(this FakeTimeProvider time, TimeSpan step, Task<T> until, CancellationToken cancellationToken)
    {
        await time.AdvanceUntilAsync(step, () => until.IsCompleted, cancellationToken);
        return await until;
    }
}
