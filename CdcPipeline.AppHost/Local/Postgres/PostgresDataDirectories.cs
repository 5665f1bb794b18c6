using System.Diagnostics;
using System.Globalization;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// The throwaway directories of the local PostgreSQL, one per AppHost run, in the temp directory. Each records the
/// AppHost that owns it; one whose AppHost and server are both gone (an AppHost that was killed runs no cleanup) is
/// stale and removed by the next run. One without its owner file is being created or removed by its own run, and is
/// left alone while it was changed in the last minute.
/// </summary>
internal static class PostgresDataDirectories
{
    public const string Prefix = "cdc-apphost-pg-";
    private const string OwnerFile = "apphost.pid";
    private static readonly TimeSpan OwnerFileGrace = TimeSpan.FromMinutes(1);

    public static string NewPath() => Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Creates <paramref name="root"/> (readable by its owner only) and records this process as its owner.</summary>
    public static void Create(string root)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Removes <paramref name="root"/>, also when another run's sweep removes parts of it at the same time.</summary>
    public static void Delete(string root)
    {
        for (var attempt = 1; Directory.Exists(root); attempt++)
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A file or directory went away while this walked the tree: look again.
            }
        }
    }

    /// <summary>Removes the directories of earlier runs whose AppHost and server have both exited; returns them.</summary>
    public static IReadOnlyList<string> SweepStale()
    {
        var removed = new List<string>();
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(root, OwnerFile);
            if (IsAlive(ReadPid(owner)) || IsAlive(ReadPid(Path.Combine(root, "data", "postmaster.pid")))
                || (!File.Exists(owner) && DateTime.UtcNow - Directory.GetLastWriteTimeUtc(root) < OwnerFileGrace))
            {
                continue;
            }

            try
            {
                Directory.Delete(root, recursive: true);
                removed.Add(root);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another user's or in use after all: the next run looks again.
            }
        }

        return removed;
    }

    // The first line of the file, as both the owner file and postmaster.pid have it; null when unreadable.
    private static int? ReadPid(string file)
    {
        try
        {
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsAlive(int? pid)
    {
        if (pid is not { } id)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
