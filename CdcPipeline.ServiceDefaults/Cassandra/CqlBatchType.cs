namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>BATCH types (spec section 4.1.7).</summary>
public enum CqlBatchType : byte
{
    Logged = 0,
    Unlogged = 1,
    Counter = 2,
}
