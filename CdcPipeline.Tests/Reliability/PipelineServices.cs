using System.Globalization;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// The four services as separate OS processes, each with the environment the AppHost gives it in the local profile
/// (connection strings <c>kafka</c>, <c>cdcdb</c>, <c>cassandra</c>; the capture's <c>Capture__*</c>; the sink's topic
/// prefix), killed and restarted on demand. Every incarnation is kept, with its output, until disposed.
/// </summary>
internal sealed class PipelineServices : IDisposable
{
    public const string Producer = "producer";
    public const string Consumer = "consumer";
    public const string Capture = "capture";
    public const string Sink = "cassandra-sink";

    private readonly LocalPeers _peers;
    private readonly int _seed;
    private readonly int _eventsPerSecond;
    private readonly string _kafka;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServiceRun> _current = new(StringComparer.Ordinal);
    private readonly List<ServiceRun> _runs = [];

    /// <param name="kafka">The services' <c>ConnectionStrings:kafka</c> when not the peers' cluster (e.g. a closed port).</param>
    public PipelineServices(LocalPeers peers, int seed, int eventsPerSecond, string? kafka = null)
    {
        _peers = peers;
        _seed = seed;
        _eventsPerSecond = eventsPerSecond;
        _kafka = kafka ?? peers.Kafka.BootstrapServers;
    }

    public static IReadOnlyList<string> All { get; } = [Consumer, Capture, Sink, Producer];

    /// <summary>Every process started so far, in start order.</summary>
    public IReadOnlyList<ServiceRun> Runs
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs];
            }
        }
    }

    public ServiceRun Current(string service)
    {
        lock (_gate)
        {
            return _current[service];
        }
    }

    public ServiceRun Start(string service)
    {
        lock (_gate)
        {
            var incarnation = _runs.Count(r => r.Service == service) + 1;
            var run = new ServiceRun(service, incarnation, Launch(service, incarnation));
            _runs.Add(run);
            _current[service] = run;
            return run;
        }
    }

    /// <summary>SIGKILL, a pause of <paramref name="downtime"/>, a new process.</summary>
    public async Task KillAndRestartAsync(string service, TimeSpan downtime)
    {
        var run = Current(service);
        run.Killed = true;
        run.Process.Kill();
        await Task.Delay(downtime);
        Start(service);
    }

    public void Dispose()
    {
        foreach (var run in Runs)
        {
            run.Process.Dispose();
        }
    }

    private ServiceProcess Launch(string service, int incarnation)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__kafka"] = _kafka,
            // Everything a deployment logs by default, so the secret check reads all of it.
            ["Logging__LogLevel__Default"] = "Information",
        };
        switch (service)
        {
            case Producer:
                environment["Producer__Mode"] = "continuous";
                // Each acknowledgement with its offset, so the checker finds every acknowledged event on its topic.
                environment["Logging__LogLevel__CdcPipeline.Producer.Delivery.EventSender"] = "Debug";
                // The mock cluster does not reject a batch that overtakes a failed one (Kafka answers
                // OUT_OF_ORDER_SEQUENCE_NUMBER), so the failed batch's retry is taken for a duplicate: acknowledged
                // without an offset and never stored (seen in CI: a CREATE acknowledged at @-1001, its UPDATE stored
                // at @0). One request in flight keeps the order a real broker keeps.
                environment["Aspire__Confluent__Kafka__Producer__Config__max.in.flight.requests.per.connection"] = "1";
                // Each incarnation continues with the run's next seed: its entities are its own, so a killed one
                // leaves nothing the next one builds on.
                environment["Producer__Seed"] = unchecked((_seed * 31) + incarnation).ToString(CultureInfo.InvariantCulture);
                environment["Producer__EventsPerSecond"] = _eventsPerSecond.ToString(CultureInfo.InvariantCulture);
                environment["Producer__ProgressInterval"] = "00:00:01";
                environment["Producer__Topics__Users__Partitions"] = PipelineTopics.Users.Partitions.ToString(CultureInfo.InvariantCulture);
                environment["Producer__Topics__Orders__Partitions"] = PipelineTopics.Orders.Partitions.ToString(CultureInfo.InvariantCulture);
                return ServiceProcess.Producer(environment);
            case Consumer:
                environment["ConnectionStrings__cdcdb"] = _peers.DatabaseConnectionString;
                AddGroupSessionTimeout(environment);
                return ServiceProcess.Consumer(environment);
            case Capture:
                environment["ConnectionStrings__cdcdb"] = _peers.DatabaseConnectionString;
                foreach (var (key, value) in _peers.Capture.EnvironmentVariables)
                {
                    environment[key] = value;
                }

                return ServiceProcess.Capture(environment);
            case Sink:
                environment["ConnectionStrings__cassandra"] = _peers.Cql.ConnectionString;
                environment["CassandraSink__TopicPrefix"] = _peers.Capture.TopicPrefix;
                AddGroupSessionTimeout(environment);
                return ServiceProcess.CassandraSink(environment);
            default:
                throw new ArgumentOutOfRangeException(nameof(service), service, "not a service of the pipeline");
        }
    }

    /// <summary>
    /// A killed member keeps its partitions until its session times out (librdkafka's default: 45 s). A deployment
    /// that restarts crashed services tunes this; the run uses 6 s so a kill costs seconds, not most of a minute.
    /// </summary>
    private static void AddGroupSessionTimeout(Dictionary<string, string?> environment)
    {
        environment["Aspire__Confluent__Kafka__Consumer__Config__session.timeout.ms"] = "6000";
        environment["Aspire__Confluent__Kafka__Consumer__Config__heartbeat.interval.ms"] = "1000";
    }
}
