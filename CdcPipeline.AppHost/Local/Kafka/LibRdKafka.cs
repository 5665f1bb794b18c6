using System.Runtime.InteropServices;

namespace CdcPipeline.AppHost.Local.Kafka;

/// <summary>
/// P/Invoke into the librdkafka that Confluent.Kafka has already loaded into this process. On Linux the package's
/// default <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, absent on Debian, so Confluent.Kafka may have fallen
/// back to another build: the import resolver points at whichever file is mapped in the process. Elsewhere the
/// runtime's own probing of the package's native assets finds the one library the package ships for the platform.
/// </summary>
internal static class LibRdKafka
{
    private const string Library = "librdkafka";

    /// <summary>rd_kafka_type_t RD_KAFKA_PRODUCER.</summary>
    public const int ProducerType = 0;

    private static readonly Lock Gate = new();
    private static bool loaded;

    /// <summary>Loads librdkafka through Confluent.Kafka and routes this assembly's imports to it.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded)
            {
                return;
            }

            Confluent.Kafka.Library.Load();
            if (OperatingSystem.IsLinux())
            {
                var path = FindMappedLibrary()
                    ?? throw new InvalidOperationException(
                        "Confluent.Kafka.Library.Load() succeeded but no librdkafka is mapped in /proc/self/maps.");
                var handle = NativeLibrary.Load(path);
                NativeLibrary.SetDllImportResolver(
                    typeof(LibRdKafka).Assembly,
                    (name, _, _) => name == Library ? handle : IntPtr.Zero);
            }

            loaded = true;
        }
    }

    private static string? FindMappedLibrary()
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..].Trim();
            var file = Path.GetFileName(path);
            if (file.Contains("librdkafka", StringComparison.Ordinal) && file.EndsWith(".so", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>rd_kafka_conf_res_t RD_KAFKA_CONF_OK.</summary>
    private const int ConfOk = 0;

    /// <summary>Sets one property; on refusal destroys <paramref name="conf"/> and throws librdkafka's reason.</summary>
    public static void SetOrDestroy(IntPtr conf, string name, string value)
    {
        var error = new byte[512];
        var result = rd_kafka_conf_set(conf, name, value, error, (UIntPtr)error.Length);
        if (result != ConfOk)
        {
            rd_kafka_conf_destroy(conf);
            var reason = System.Text.Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0)));
            throw new InvalidOperationException($"librdkafka refused '{name}={value}' (rd_kafka_conf_set returned {result}): {reason}");
        }
    }

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library)]
    public static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_conf_destroy(IntPtr conf);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_set_controller_id(IntPtr cluster, int controllerId);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_partition_set_leader(IntPtr cluster, string topic, int partition, int brokerId);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, UIntPtr count, int[] errors);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_clear_request_errors(IntPtr cluster, short apiKey);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_err2str(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(rd_kafka_err2str(error)) ?? $"error {error}";
}
