using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Profiles;

namespace CdcPipeline.AppHost.Local;

/// <summary>What the dashboard shows on every resource the local profile puts in place of a container.</summary>
internal static class StandInProperties
{
    public const string ProfileProperty = "cdcpipeline.profile";
    public const string DurabilityProperty = "cdcpipeline.durability";
    public const string InMemory = "in-memory, not durable: everything is gone when the AppHost stops";

    public static ResourcePropertySnapshot Profile(PipelineSettings settings) =>
        new(ProfileProperty, settings.ProfileDescription) { DisplayName = "Profile", IsHighlighted = true };

    public static ResourcePropertySnapshot Durability(string durability) =>
        new(DurabilityProperty, durability) { DisplayName = "Durability", IsHighlighted = true };

    /// <summary><paramref name="properties"/> with <paramref name="updates"/> replacing those of the same name.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> With(this ImmutableArray<ResourcePropertySnapshot> properties, params ResourcePropertySnapshot[] updates) =>
        [.. properties.Where(p => !updates.Any(u => u.Name == p.Name)), .. updates];
}
