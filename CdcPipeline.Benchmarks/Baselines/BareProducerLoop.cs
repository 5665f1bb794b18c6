using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>
/// The Producer's baseline: a bare Confluent.Kafka loop sending bytes generated beforehand (the Producer's own records,
/// read back) to the same partitions, with the Producer's delivery guarantees (idempotence, acks=all).
/// </summary>
internal static class BareProducerLoop
{
    public static Task SendAsync(string bootstrap, IReadOnlyList<(string Topic, int Partition, byte[]? Key, byte[]? Value)> records) =>
        Task.Run(() =>
        {
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = bootstrap,
                EnableIdempotence = true,
                Acks = Acks.All,
            }).Build();
            var failed = 0;
            void Report(DeliveryReport<byte[]?, byte[]?> report)
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            }

            foreach (var (topic, partition, key, value) in records)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = key, Value = value }, Report);
                        break;
                    }
                    catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }

            producer.Flush(TimeSpan.FromMinutes(2));
            if (failed > 0)
            {
                throw new InvalidOperationException($"The bare loop lost {failed} records.");
            }
        });
}
