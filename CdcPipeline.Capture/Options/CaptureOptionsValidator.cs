using System.Text.RegularExpressions;
using CdcPipeline.Capture.Schema;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Options;

/// <summary>Rejects settings the capture cannot run with, naming the setting and the value given.</summary>
internal sealed partial class CaptureOptionsValidator : IValidateOptions<CaptureOptions>
{
    private const string Section = CaptureOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, CaptureOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TopicPrefix) || !TopicName().IsMatch(options.TopicPrefix))
        {
            failures.Add($"{Section}:TopicPrefix must be letters, digits, '.', '_' or '-' (was '{options.TopicPrefix}').");
        }

        if (string.IsNullOrEmpty(options.SlotName) || !SlotName().IsMatch(options.SlotName))
        {
            failures.Add($"{Section}:SlotName must be 1 to 63 lower-case letters, digits or underscores, as PostgreSQL requires of slot names (was '{options.SlotName}').");
        }

        if (string.IsNullOrWhiteSpace(options.PublicationName))
        {
            failures.Add($"{Section}:PublicationName must not be empty.");
        }

        var tables = (options.Tables ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tables.Length == 0)
        {
            failures.Add($"{Section}:Tables must list at least one table as schema.table (was '{options.Tables}').");
        }

        foreach (var table in tables)
        {
            if (!TableId.TryParse(table, out _))
            {
                failures.Add($"{Section}:Tables: '{table}' is not a table name of the form schema.table.");
            }
        }

        if (tables.Distinct(StringComparer.Ordinal).Count() != tables.Length)
        {
            failures.Add($"{Section}:Tables lists a table more than once (was '{options.Tables}').");
        }

        if (string.IsNullOrWhiteSpace(options.OffsetsTopic) || !TopicName().IsMatch(options.OffsetsTopic))
        {
            failures.Add($"{Section}:OffsetsTopic must be a topic name of letters, digits, '.', '_' or '-' (was '{options.OffsetsTopic}').");
        }

        if (!Enum.IsDefined(options.SnapshotMode))
        {
            failures.Add($"{Section}:SnapshotMode must be Initial or NoData (was '{options.SnapshotMode}').");
        }

        RequireRange(failures, $"{Section}:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.Zero, TimeSpan.FromDays(1));
        RequireRange(failures, $"{Section}:RetryMaxDelay", options.RetryMaxDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        RequireRange(failures, $"{Section}:MaxHealthyLag", options.MaxHealthyLag, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        RequireRange(failures, $"{Section}:AdminTimeout", options.AdminTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

        if (options.MaxInFlightBytes is < 64 * 1024 or > 1L << 32)
        {
            failures.Add($"{Section}:MaxInFlightBytes must be between 65536 and 4294967296 (was {options.MaxInFlightBytes}).");
        }

        var creation = options.TopicCreation;
        if (creation.Partitions is < 1 or > 10_000)
        {
            failures.Add($"{Section}:TopicCreation:Partitions must be between 1 and 10000 (was {creation.Partitions}).");
        }

        if (creation.ReplicationFactor < 1)
        {
            failures.Add($"{Section}:TopicCreation:ReplicationFactor must be at least 1 (was {creation.ReplicationFactor}).");
        }

        if (creation.MinInSyncReplicas < 1 || creation.MinInSyncReplicas > creation.ReplicationFactor)
        {
            failures.Add($"{Section}:TopicCreation:MinInSyncReplicas must be between 1 and {Section}:TopicCreation:ReplicationFactor ({creation.ReplicationFactor}) (was {creation.MinInSyncReplicas}).");
        }

        if (options.SpoolDirectory is { Length: > 0 } spool && !Path.IsPathFullyQualified(spool))
        {
            failures.Add($"{Section}:SpoolDirectory must be an absolute path (was '{spool}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireRange(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max} (was {value}).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TopicName();

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotName();
}
