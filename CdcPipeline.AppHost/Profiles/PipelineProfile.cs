namespace CdcPipeline.AppHost.Profiles;

/// <summary>How the infrastructure runs (<c>CdcPipeline:Profile</c>).</summary>
public enum PipelineProfile
{
    /// <summary>Kafka, PostgreSQL, Cassandra, Debezium and Kafka UI in containers, data on volumes.</summary>
    Containers,

    /// <summary>No container engine: PostgreSQL from this machine's binaries, Kafka and Cassandra in memory in the AppHost.</summary>
    Local,
}

/// <summary>What captures PostgreSQL's changes into the change topics (<c>CdcPipeline:Capture</c>).</summary>
internal enum CaptureMode
{
    /// <summary>Debezium Connect with the <c>cdc-connector</c> (containers only).</summary>
    Debezium,

    /// <summary>The <c>CdcPipeline.Capture</c> service, writing the same change events to the same topics.</summary>
    Builtin,
}
