using System.Diagnostics;

namespace CdcPipeline.Benchmarks.Measurement;

/// <summary>
/// Times work done somewhere else by polling a counter of it (records written, offsets committed, rows applied):
/// from the first sample that shows progress to the sample that shows it all done, so a process's start-up is not
/// counted. The rate is the progress between those two samples over the time between them.
/// </summary>
internal static class ProgressClock
{
    public static async Task<Throughput> MeasureAsync(
        Func<long> progress, long target, TimeSpan pollInterval, TimeSpan timeout, Action? whileWaiting, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var initial = progress();
        (TimeSpan Time, long Value)? first = null;
        while (true)
        {
            var now = clock.Elapsed;
            var value = progress();
            if (first is null && value > initial)
            {
                first = (now, value);
            }

            if (value >= target)
            {
                var (startTime, startValue) = first!.Value;
                // Everything arrived between two samples: the whole poll interval is the only bound there is.
                return startValue >= target
                    ? new Throughput(target - initial, now - startTime + pollInterval)
                    : new Throughput(value - startValue, now - startTime);
            }

            if (now > timeout)
            {
                throw new TimeoutException($"Only {value - initial} of {target - initial} done after {timeout.TotalSeconds:0} s.");
            }

            whileWaiting?.Invoke();
            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}

/// <summary><see cref="Count"/> items in <see cref="Elapsed"/>.</summary>
internal readonly record struct Throughput(long Count, TimeSpan Elapsed)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;
}
