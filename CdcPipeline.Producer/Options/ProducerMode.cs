namespace CdcPipeline.Producer.Options;

public enum ProducerMode
{
    /// <summary>Sends <c>Producer:Users</c> user events and <c>Producer:Orders</c> order events, then exits.</summary>
    Once,

    /// <summary>Sends at <c>Producer:EventsPerSecond</c> until stopped.</summary>
    Continuous,
}
