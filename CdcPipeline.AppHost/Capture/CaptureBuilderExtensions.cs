using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Capture;

internal static class CaptureBuilderExtensions
{
    /// <summary>
    /// The capture's gen0 budget, 16 MiB (hexadecimal, as the runtime reads <c>DOTNET_GCgen0size</c>). By default it
    /// follows the CPU's last-level cache, and on a CPU with a 105 MiB L3 a large streamed transaction took the capture
    /// to about 190 MB instead of about 100 MB; only the environment variable sets it (the runtimeconfig keys do not).
    /// </summary>
    public const string Gen0SizeVariable = "DOTNET_GCgen0size";

    public const string Gen0Size = "1000000";

    /// <summary>
    /// Adds <c>CdcPipeline.Capture</c>, the built-in change capture: it reads <paramref name="database"/>'s WAL through
    /// the publication and slot of <paramref name="settings"/> and publishes Debezium's change events to
    /// <paramref name="kafka"/>, healthy when its <c>/health</c> answers.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddBuiltinCapture(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<IResourceWithConnectionString> kafka,
        IResourceBuilder<IResourceWithConnectionString> database,
        CaptureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(settings);

        return builder.AddProject<Projects.CdcPipeline_Capture>(name)
            .WithReference(kafka).WaitFor(kafka)
            .WithReference(database).WaitFor(database)
            .WithEnvironment(Gen0SizeVariable, Gen0Size)
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in settings.EnvironmentVariables)
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .WithHttpHealthCheck("/health");
    }
}
