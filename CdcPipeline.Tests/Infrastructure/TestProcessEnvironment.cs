using System.Runtime.CompilerServices;

namespace CdcPipeline.Tests.Infrastructure;

/// <summary>Process-wide settings every test host (and every service process a test starts) inherits.</summary>
internal static class TestProcessEnvironment
{
    /// <summary>
    /// The tests build hundreds of hosts, in parallel. Each default host watches its appsettings files with an
    /// inotify instance, and Linux allows 128 per user by default: test runs side by side (or one busy run) then
    /// fail with "The configured user limit (128) on the number of inotify instances has been reached".
    /// Tests never change configuration files while a host runs, so they do not need the watchers.
    /// </summary>
    [ModuleInitializer]
    internal static void DisableConfigurationReloadWatchers() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
