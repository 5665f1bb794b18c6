using System.Globalization;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// How long the faults last, the seed that chooses them and the Producer's rate, from the environment:
/// <c>CDC_FAULTS_DURATION</c> (default 30 s, the short schedule of every test run), <c>CDC_FAULTS_SEED</c> (default
/// a new random seed, printed so the run can be replayed) and <c>CDC_FAULTS_RATE</c> (events per second, default 25).
/// </summary>
internal sealed record FaultRunSettings(TimeSpan Duration, int Seed, int EventsPerSecond)
{
    public const string DurationVariable = "CDC_FAULTS_DURATION";
    public const string SeedVariable = "CDC_FAULTS_SEED";
    public const string RateVariable = "CDC_FAULTS_RATE";

    public static readonly TimeSpan ShortDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The mock cluster keeps about 5 MiB per partition and silently drops older messages. At 1,000 events/s the
    /// `users` topic (3 partitions, ~300-byte events) would fill that in about two minutes; the checker reports drops.
    /// </summary>
    private const int MaxEventsPerSecond = 1000;

    /// <summary>How long the checker waits for the pipeline to drain after the faults stop.</summary>
    public TimeSpan DrainDeadline => TimeSpan.FromMinutes(5);

    public bool IsShort => Duration <= ShortDuration;

    public static FaultRunSettings FromEnvironment()
    {
        var duration = Read(DurationVariable, ShortDuration, text =>
            TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(24)
                ? value
                : throw new InvalidOperationException($"{DurationVariable} must be a duration such as 00:30:00, between 0 and 24 hours (was '{text}')."));
        var seed = Read(SeedVariable, Random.Shared.Next(), text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{SeedVariable} must be a whole number (was '{text}')."));
        var rate = Read(RateVariable, 25, text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxEventsPerSecond
                ? value
                : throw new InvalidOperationException($"{RateVariable} must be events per second between 1 and {MaxEventsPerSecond} (was '{text}')."));
        return new FaultRunSettings(duration, seed, rate);
    }

    /// <summary>The command that replays this run.</summary>
    public string ReplayCommand =>
        $"{DurationVariable}={Duration.ToString("c", CultureInfo.InvariantCulture)} {SeedVariable}={Seed.ToString(CultureInfo.InvariantCulture)} {RateVariable}={EventsPerSecond.ToString(CultureInfo.InvariantCulture)}";

    private static T Read<T>(string variable, T fallback, Func<string, T> parse) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? parse(text.Trim()) : fallback;
}
