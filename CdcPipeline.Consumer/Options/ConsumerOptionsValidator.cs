using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Options;

/// <summary>Rejects settings the Consumer cannot run with, naming the setting and the value given.</summary>
internal sealed class ConsumerOptionsValidator : IValidateOptions<ConsumerOptions>
{
    private const string Section = ConsumerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ConsumerOptions options)
    {
        var failures = new List<string>();

        RequireText(failures, $"{Section}:Topics:Users", options.Topics.Users);
        RequireText(failures, $"{Section}:Topics:Orders", options.Topics.Orders);
        if (string.Equals(options.Topics.Users, options.Topics.Orders, StringComparison.Ordinal))
        {
            failures.Add($"{Section}:Topics:Users and {Section}:Topics:Orders must name different topics (both are '{options.Topics.Users}').");
        }

        RequireText(failures, $"{Section}:GroupId", options.GroupId);

        if (options.BatchSize is < 1 or > 100_000)
        {
            failures.Add($"{Section}:BatchSize must be between 1 and 100000 (was {options.BatchSize}).");
        }

        if (options.MaxConcurrentTransactions is < 1 or > 1000)
        {
            failures.Add($"{Section}:MaxConcurrentTransactions must be between 1 and 1000 (was {options.MaxConcurrentTransactions}).");
        }

        if (options.MaxQueuedPerPartition < options.BatchSize)
        {
            failures.Add($"{Section}:MaxQueuedPerPartition must be at least {Section}:BatchSize ({options.BatchSize}) (was {options.MaxQueuedPerPartition}).");
        }

        if (options.MaxParkedPerPartition is < 1 or > 1_000_000)
        {
            failures.Add($"{Section}:MaxParkedPerPartition must be between 1 and 1000000 (was {options.MaxParkedPerPartition}).");
        }

        RequireRange(failures, $"{Section}:BatchTimeout", options.BatchTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        if (options.IdleTimeout is { } idle)
        {
            RequireRange(failures, $"{Section}:IdleTimeout", idle, TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue);
        }

        RequireRange(failures, $"{Section}:MissingUserRetryBudget", options.MissingUserRetryBudget, TimeSpan.Zero, TimeSpan.FromHours(1));
        RequireRange(failures, $"{Section}:MissingUserRetryDelay", options.MissingUserRetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        RequireRange(failures, $"{Section}:MissingUserRetryMaxDelay", options.MissingUserRetryMaxDelay, options.MissingUserRetryDelay, TimeSpan.FromMinutes(5));
        RequireRange(failures, $"{Section}:StopGracePeriod", options.StopGracePeriod, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        RequireRange(failures, $"{Section}:DatabaseRetryMaxDelay", options.DatabaseRetryMaxDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireText(List<string> failures, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} must not be empty.");
        }
    }

    private static void RequireRange(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(max == TimeSpan.MaxValue
                ? $"{setting} must be at least {min} (was {value})."
                : $"{setting} must be between {min} and {max} (was {value}).");
        }
    }
}
