using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace CdcPipeline.AppHost.Local.Kafka;

/// <summary>
/// librdkafka's mock Kafka cluster, hosted in this process (the AppHost's local profile, the tests): real brokers
/// speaking the Kafka protocol on 127.0.0.1 random ports, reachable by any client (also from other processes), with
/// fault injection. In memory only: everything is gone when it is disposed.
/// Topic administration through the protocol is not supported by it: create topics with <see cref="CreateTopic"/>.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    public MockKafkaCluster(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibRdKafka.EnsureLoaded();
        BrokerCount = brokerCount;

        var conf = LibRdKafka.rd_kafka_conf_new();
        var error = new byte[512];
        // The host handle only keeps the cluster's books: it has no bootstrap servers and nothing to log.
        LibRdKafka.SetOrDestroy(conf, "log_level", "0");
        _handle = LibRdKafka.rd_kafka_new(LibRdKafka.ProducerType, conf, error, (UIntPtr)error.Length);
        if (_handle == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Text(error)}");
        }

        _cluster = LibRdKafka.rd_kafka_mock_cluster_new(_handle, brokerCount);
        if (_cluster == IntPtr.Zero)
        {
            LibRdKafka.rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new returned no cluster.");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
        // Metadata names broker 1 as controller so DescribeCluster and admin clients find one.
        LibRdKafka.rd_kafka_mock_set_controller_id(_cluster, 1);
        // The mock's default 3 s delay before the first group assignment only slows every consumer's start down.
        LibRdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
    }

    /// <summary>Brokers have ids 1 .. <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> list of every broker.</summary>
    public string BootstrapServers { get; }

    public void CreateTopic(string name, int partitions, int replicationFactor = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Check(LibRdKafka.rd_kafka_mock_topic_create(Cluster, name, partitions, Math.Min(replicationFactor, BrokerCount)),
            $"create topic '{name}'");
    }

    /// <summary>Disconnects the broker and refuses new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_broker_set_down(Cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_broker_set_up(Cluster, brokerId), $"set broker {brokerId} up");

    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerDown(id);
        }
    }

    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Delays every response of the broker by <paramref name="rtt"/>.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(LibRdKafka.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)rtt.TotalMilliseconds),
            $"set broker {brokerId} round-trip time");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_partition_set_leader(Cluster, topic, partition, brokerId),
            $"move leader of {topic}[{partition}] to broker {brokerId}");

    /// <summary>The next requests of type <paramref name="apiKey"/> (any broker) fail with these errors, in order.</summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, error => (int)error);
        LibRdKafka.rd_kafka_mock_push_request_errors_array(Cluster, (short)apiKey, (UIntPtr)codes.Length, codes);
    }

    public void ClearRequestErrors(KafkaApiKey apiKey) =>
        LibRdKafka.rd_kafka_mock_clear_request_errors(Cluster, (short)apiKey);

    public void Dispose()
    {
        lock (_gate)
        {
            // The cluster belongs to its rk: it is destroyed first.
            if (_cluster != IntPtr.Zero)
            {
                LibRdKafka.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_handle != IntPtr.Zero)
            {
                LibRdKafka.rd_kafka_destroy(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private static void Check(int error, string action)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Mock cluster could not {action}: {LibRdKafka.ErrorText(error)}.");
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
