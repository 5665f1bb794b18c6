using CdcPipeline.Producer.Delivery;

namespace CdcPipeline.Producer.Hosting;

/// <summary>How the run ended: the process exit code (non-zero until the run completes cleanly) and its delivery summary.</summary>
internal sealed class ProducerRunOutcome
{
    public const int Succeeded = 0;
    public const int Failed = 1;

    private volatile int _exitCode = Failed;

    public int ExitCode => _exitCode;

    public DeliverySummary? Summary { get; private set; }

    public void Complete(int exitCode, DeliverySummary? summary)
    {
        Summary = summary;
        _exitCode = exitCode;
    }
}
