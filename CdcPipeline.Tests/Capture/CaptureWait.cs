namespace CdcPipeline.Tests.Capture;

/// <summary>Waits on a condition with a generous deadline (CI is a busy 2-core machine), never a fixed sleep.</summary>
internal static class CaptureWait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Deadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout ?? Deadline} waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
