using System.Diagnostics;
using System.Globalization;
using CdcPipeline.AppHost.Local.Postgres;

namespace CdcPipeline.Tests.AppHost;

public sealed class PostgresDataDirectoriesTests
{
    [Fact]
    public void Directory_of_a_killed_run_is_swept_and_one_of_a_live_run_is_kept()
    {
        var live = PostgresDataDirectories.NewPath();
        var stale = PostgresDataDirectories.NewPath();
        PostgresDataDirectories.Create(live);
        PostgresDataDirectories.Create(stale);
        try
        {
            File.WriteAllText(Path.Combine(stale, "apphost.pid"), ExitedProcessId().ToString(CultureInfo.InvariantCulture));

            var removed = PostgresDataDirectories.SweepStale();

            Assert.Contains(stale, removed);
            Assert.False(Directory.Exists(stale));
            Assert.True(Directory.Exists(live));
        }
        finally
        {
            PostgresDataDirectories.Delete(live);
            PostgresDataDirectories.Delete(stale);
        }
    }

    [Fact]
    public void Directory_whose_server_still_runs_is_kept_though_its_AppHost_is_gone()
    {
        var root = PostgresDataDirectories.NewPath();
        PostgresDataDirectories.Create(root);
        try
        {
            File.WriteAllText(Path.Combine(root, "apphost.pid"), ExitedProcessId().ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(Path.Combine(root, "data"));
            File.WriteAllText(Path.Combine(root, "data", "postmaster.pid"), $"{Environment.ProcessId}\n{root}\n");

            var removed = PostgresDataDirectories.SweepStale();

            Assert.DoesNotContain(root, removed);
            Assert.True(Directory.Exists(root));
        }
        finally
        {
            PostgresDataDirectories.Delete(root);
        }
    }

    [Fact]
    public void Directory_without_its_owner_file_yet_is_kept_while_it_is_new()
    {
        var root = PostgresDataDirectories.NewPath();
        Directory.CreateDirectory(root);
        try
        {
            var removed = PostgresDataDirectories.SweepStale();

            Assert.DoesNotContain(root, removed);
            Assert.True(Directory.Exists(root));

            Directory.SetLastWriteTimeUtc(root, DateTime.UtcNow.AddMinutes(-2));
            Assert.Contains(root, PostgresDataDirectories.SweepStale());
            Assert.False(Directory.Exists(root));
        }
        finally
        {
            PostgresDataDirectories.Delete(root);
        }
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
