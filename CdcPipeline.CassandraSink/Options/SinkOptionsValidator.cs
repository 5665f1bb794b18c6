using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Options;

/// <summary>Refuses to start with a setting the sink cannot work with, naming the setting.</summary>
internal sealed class SinkOptionsValidator : IValidateOptions<SinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SinkOptions options)
    {
        var failures = new List<string>();
        const string s = SinkOptions.Section;
        if (string.IsNullOrWhiteSpace(options.TopicPrefix))
        {
            failures.Add($"{s}:TopicPrefix is empty: set it to the connector's topic.prefix (e.g. 'cdc').");
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerGroup))
        {
            failures.Add($"{s}:ConsumerGroup is empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Keyspace) || !options.Keyspace.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            failures.Add($"{s}:Keyspace '{options.Keyspace}' is not a CQL identifier (letters, digits, '_').");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{s}:BatchSize {options.BatchSize} is outside 1..10000.");
        }

        if (options.BatchTimeout < TimeSpan.Zero || options.BatchTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{s}:BatchTimeout {options.BatchTimeout} is outside 0..30 s.");
        }

        if (options.SourceResetLsnThreshold <= 0)
        {
            failures.Add($"{s}:SourceResetLsnThreshold must be a positive number of WAL bytes.");
        }

        if (options.SchemaAgreementTimeout < TimeSpan.Zero)
        {
            failures.Add($"{s}:SchemaAgreementTimeout must not be negative.");
        }

        if (options.RetryInitialBackoff <= TimeSpan.Zero || options.RetryMaxBackoff < options.RetryInitialBackoff)
        {
            failures.Add($"{s}:RetryInitialBackoff must be positive and {s}:RetryMaxBackoff at least as long.");
        }

        if (!Enum.IsDefined(options.DecimalHandlingMode))
        {
            failures.Add($"{s}:DecimalHandlingMode '{options.DecimalHandlingMode}' is not Precise, String or Double.");
        }

        foreach (var (column, scale) in options.DecimalScales)
        {
            if (scale is < 0 or > 28)
            {
                failures.Add($"{s}:DecimalScales:{column} = {scale} is outside 0..28.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
