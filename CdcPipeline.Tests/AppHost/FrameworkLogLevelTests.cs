using CdcPipeline.Tests.Infrastructure.Postgres;
using CdcPipeline.Tests.Producer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The frameworks' own chatter (a line per dashboard gRPC request, per API-key check, per health probe) stays at
/// Warning in what each project's appsettings.json gives a person running it; the pipeline's own lines stay visible.
/// </summary>
public sealed class FrameworkLogLevelTests
{
    [Theory]
    [InlineData("CdcPipeline.AppHost", "Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("CdcPipeline.AppHost", "Aspire.Hosting.Dashboard.ResourceServiceApiKeyAuthenticationHandler")]
    [InlineData("CdcPipeline.AppHost", "Aspire.Hosting.Dashboard.DashboardWebApplication")]
    [InlineData("CdcPipeline.AppHost", "Grpc.AspNetCore.Server.ServerCallHandler")]
    [InlineData("CdcPipeline.Producer", "Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("CdcPipeline.Consumer", "Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("CdcPipeline.Capture", "Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("CdcPipeline.CassandraSink", "Microsoft.AspNetCore.Hosting.Diagnostics")]
    public void Framework_request_logs_are_quiet_and_the_pipeline_speaks(string project, string frameworkCategory)
    {
        using var loggers = LoggersOf(project);

        Assert.False(loggers.CreateLogger(frameworkCategory).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(frameworkCategory).IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("CdcPipeline.Outages").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Aspire.Hosting.DistributedApplication").IsEnabled(LogLevel.Information));
    }

    private static ILoggerFactory LoggersOf(string project)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(SchemaScripts.RepositoryRoot(), project, "appsettings.json"), optional: false)
            .Build();
        return LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddProvider(new CapturedLogs()));
    }
}
