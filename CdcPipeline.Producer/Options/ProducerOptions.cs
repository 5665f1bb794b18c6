namespace CdcPipeline.Producer.Options;

/// <summary>Settings of section <c>Producer</c>; defaults are the original Go pipeline's run.</summary>
public sealed class ProducerOptions
{
    public const string SectionName = "Producer";

    public ProducerMode Mode { get; set; } = ProducerMode.Once;

    /// <summary>Seed of the event generator: the same seed gives the same events. Unset: a random seed, logged at start.</summary>
    public int? Seed { get; set; }

    /// <summary>User events of a <c>once</c> run; in <c>continuous</c> mode Users:Orders is the ratio between the topics.</summary>
    public int Users { get; set; } = 7;

    /// <summary>Order events of a <c>once</c> run; in <c>continuous</c> mode Users:Orders is the ratio between the topics.</summary>
    public int Orders { get; set; } = 10;

    /// <summary>Send rate of <c>continuous</c> mode.</summary>
    public int EventsPerSecond { get; set; } = 10;

    /// <summary>How often progress (count, rate) is logged.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long metadata requests and topic creation may take.</summary>
    public TimeSpan AdminTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the final flush waits for outstanding acknowledgements; events still unconfirmed then count as lost.
    /// Keep it above the client's delivery timeout (<c>message.timeout.ms</c>, 120 s by default here).
    /// </summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(150);

    public ProducerTopicsOptions Topics { get; set; } = new();
}
