using System.Collections.Concurrent;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.AppHost.Local.Kafka;
using Npgsql;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// Breaks what a <see cref="PlannedFault"/> names, and repairs it when the fault has a downtime. Faults on different
/// things overlap freely; two faults on the same thing (one service, one broker, PostgreSQL, the CQL server) take
/// turns, so a broker is never set down twice or a service killed while it restarts.
/// </summary>
internal sealed class FaultInjector(LocalPeers peers, PipelineServices services)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    public async Task InjectAsync(PlannedFault fault, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(Target(fault), _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(fault);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Ends whatever is still armed once the faults stop: brokers up, injected errors cleared.</summary>
    public void Heal()
    {
        peers.Kafka.SetAllBrokersUp();
        foreach (var api in Enum.GetValues<KafkaApiKey>())
        {
            peers.Kafka.ClearRequestErrors(api);
        }

        peers.Cql.FailNextStatements(CqlStatementFault.Overloaded, count: 0);
    }

    private async Task ApplyAsync(PlannedFault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.ProducerKilled or FaultKind.ConsumerKilled or FaultKind.CaptureKilled or FaultKind.SinkKilled:
                await services.KillAndRestartAsync(PlannedFault.Service(fault.Kind), fault.Downtime);
                break;
            case FaultKind.BrokerDown:
                peers.Kafka.SetBrokerDown(fault.Broker);
                await Task.Delay(fault.Downtime);
                peers.Kafka.SetBrokerUp(fault.Broker);
                break;
            case FaultKind.PartitionLeaderMoved:
                peers.Kafka.SetPartitionLeader(fault.Topic, fault.Partition, fault.Broker);
                break;
            case FaultKind.KafkaRequestErrors:
                peers.Kafka.PushRequestErrors(fault.Api, [.. Enumerable.Repeat(fault.Error, fault.Count)]);
                break;
            case FaultKind.PostgresRestarted:
                await peers.Postgres.RestartAsync(fault.Downtime);
                break;
            case FaultKind.PostgresConnectionsKilled:
                await TerminateBackendsAsync();
                break;
            case FaultKind.CqlConnectionsDropped:
                peers.Cql.DropConnections();
                break;
            case FaultKind.CqlTimeouts:
                peers.Cql.FailNextStatements(CqlStatementFault.Timeout, fault.Count);
                break;
            case FaultKind.CqlOverloaded:
                peers.Cql.FailNextStatements(CqlStatementFault.Overloaded, fault.Count);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "no injection for this kind");
        }
    }

    private async Task TerminateBackendsAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(peers.Postgres.ConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE pid <> pg_backend_pid() AND backend_type IN ('client backend', 'walsender')
            """, connection);
        await command.ExecuteScalarAsync();
    }

    private static string Target(PlannedFault fault) => fault.Kind switch
    {
        FaultKind.ProducerKilled or FaultKind.ConsumerKilled or FaultKind.CaptureKilled or FaultKind.SinkKilled => PlannedFault.Service(fault.Kind),
        FaultKind.BrokerDown => $"broker-{fault.Broker}",
        FaultKind.PostgresRestarted or FaultKind.PostgresConnectionsKilled => "postgres",
        FaultKind.CqlConnectionsDropped or FaultKind.CqlTimeouts or FaultKind.CqlOverloaded => "cql",
        _ => "kafka",
    };
}
