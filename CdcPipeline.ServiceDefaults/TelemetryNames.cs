namespace Microsoft.Extensions.Hosting;

/// <summary>The activity sources and meters every CdcPipeline service exports.</summary>
internal static class TelemetryNames
{
    public static readonly string[] ActivitySources = ["CdcPipeline.*", "Npgsql"];

    public static readonly string[] Meters = ["CdcPipeline.*", "Npgsql"];
}
