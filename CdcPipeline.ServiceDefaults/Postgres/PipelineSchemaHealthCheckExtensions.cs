using CdcPipeline.ServiceDefaults.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class PipelineSchemaHealthCheckExtensions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The health check <c>schema</c>: Unhealthy, naming what is missing and the reset procedure, when the database of
    /// the registered <see cref="NpgsqlDataSource"/> lacks what <paramref name="schema"/> says the service needs.
    /// </summary>
    public static IHealthChecksBuilder AddPipelineSchemaCheck(this IHealthChecksBuilder builder, Func<IServiceProvider, PipelineSchema> schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(schema);
        return builder.Add(new(
            PipelineSchemaHealthCheck.Name,
            provider => new PipelineSchemaHealthCheck(provider.GetRequiredService<NpgsqlDataSource>(), schema(provider)),
            failureStatus: null,
            tags: null,
            Timeout));
    }
}
