namespace CdcPipeline.Tests.Startup;

/// <summary>Connection settings every service accepts, pointing where nothing answers (port 1 on loopback).</summary>
internal static class UnreachablePeers
{
    public const string Kafka = "127.0.0.1:1";
    public const string CdcDb = "Host=127.0.0.1;Port=1;Username=cdc;Password=unused;Database=cdc_db;Timeout=2";
    public const string Cassandra = "Contact Points=127.0.0.1;Port=1";

    /// <summary>Every connection string the services read, each valid and unreachable, with <paramref name="overrides"/> applied.</summary>
    public static Dictionary<string, string?> Environment(params (string Name, string? Value)[] overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__kafka"] = Kafka,
            ["ConnectionStrings__cdcdb"] = CdcDb,
            ["ConnectionStrings__cassandra"] = Cassandra,
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return environment;
    }
}
