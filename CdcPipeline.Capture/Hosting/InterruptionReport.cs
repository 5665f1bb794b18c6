using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Outages;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// Tells an interruption of the capture as an outage of what caused it (PostgreSQL or Kafka, shared with the Kafka
/// clients' own reports): once when it starts, summarised while it lasts, once when the capture is streaming again;
/// the health check shows the current reason all along.
/// </summary>
internal sealed class InterruptionReport(
    CaptureHealth health, DependencyOutages outages, PostgresConnections postgres, KafkaProducerSettings kafka)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    public void Failed(Exception exception)
    {
        var reason = Describe(exception);
        var dependency = DependencyOf(exception);
        health.Interrupted($"{dependency} unavailable: {reason}");
        lock (_gate)
        {
            _failing.Add(dependency);
        }

        outages.For(dependency).Failed(reason);
    }

    public void Connected()
    {
        string[] recovered;
        lock (_gate)
        {
            recovered = [.. _failing];
            _failing.Clear();
        }

        foreach (var dependency in recovered)
        {
            outages.Succeeded(dependency);
        }
    }

    private static string Describe(Exception exception) =>
        exception switch
        {
            Npgsql.PostgresException postgres => $"PostgreSQL error {postgres.SqlState}: {postgres.MessageText}",
            Npgsql.NpgsqlException npgsql => $"{npgsql.Message}{(npgsql.InnerException is { } inner ? $" ({inner.Message})" : string.Empty)}",
            Confluent.Kafka.KafkaException kafka => $"{kafka.Error.Code} {kafka.Error.Reason}",
            _ => exception.Message,
        };

    private string DependencyOf(Exception exception) =>
        exception switch
        {
            Confluent.Kafka.KafkaException or KafkaDeliveryException => DependencyOutages.Name("Kafka", kafka.Config.BootstrapServers),
            Npgsql.NpgsqlException or CaptureSetupException => DependencyOutages.Name("PostgreSQL", postgres.Server),
            _ => $"The capture of database {postgres.Database}",
        };
}
