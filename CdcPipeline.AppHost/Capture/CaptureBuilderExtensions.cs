using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Capture;

internal static class CaptureBuilderExtensions
{
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
