using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// One fault run for the tests of its class (<see cref="FaultRunSettings"/>: 30 s unless <c>CDC_FAULTS_DURATION</c>
/// says otherwise), its report also written to <c>TestResults/fault-runs/seed-&lt;seed&gt;.txt</c> beside the tests, each
/// service process's output to <c>seed-&lt;seed&gt;-logs/&lt;service&gt;-&lt;incarnation&gt;.log</c>.
/// </summary>
public sealed class FaultRunFixture(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>Start, the faults, the drain (at most the checker's deadline) and the check: the bound of a run beyond its faults.</summary>
    private static readonly TimeSpan Overhead = TimeSpan.FromMinutes(15);

    private FaultRunReport? _report;

    internal FaultRunReport Report => _report ?? throw new InvalidOperationException("The fault run did not complete.");

    internal string ReportFile { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        if (SkipReason() is not null)
        {
            return;
        }

        var settings = FaultRunSettings.FromEnvironment();
        using var bound = new CancellationTokenSource(settings.Duration + Overhead);
        _report = await FaultRunner.RunAsync(settings, postgres, bound.Token);
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "fault-runs"));
        ReportFile = Path.Combine(directory.FullName, $"seed-{settings.Seed}.txt");
        await File.WriteAllTextAsync(ReportFile, _report.ToString());
        var logs = Directory.CreateDirectory(Path.Combine(directory.FullName, $"seed-{settings.Seed}-logs"));
        foreach (var log in _report.Logs)
        {
            await File.WriteAllTextAsync(Path.Combine(logs.FullName, $"{log.Service}-{log.Incarnation}.log"), log.Output);
        }
    }

    /// <summary>Why the run does not happen here: no PostgreSQL server binaries to run the pipeline's database with.</summary>
    internal static string? SkipReason() =>
        PostgresInstallation.Find() is null || OperatingSystem.IsWindows() ? PostgresInstallation.NotFoundMessage : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
