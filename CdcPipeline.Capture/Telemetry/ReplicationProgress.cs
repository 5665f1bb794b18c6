namespace CdcPipeline.Capture.Telemetry;

/// <summary>
/// Where the capture stands, for the lag gauges and the health check: the server's WAL end as last reported, the
/// last position acknowledged to PostgreSQL, the last transaction received (its end and commit time), and since when
/// records have waited for Kafka without an acknowledgement. Written by the stream and the delivery thread.
/// </summary>
internal sealed class ReplicationProgress(TimeProvider clock)
{
    private long _serverWalEnd;
    private long _acknowledged;
    private long _received;
    private long _receivedCommitMicros;
    private long _kafkaWaitingSinceTicks;

    public ulong ServerWalEnd => (ulong)Interlocked.Read(ref _serverWalEnd);

    public ulong Acknowledged => (ulong)Interlocked.Read(ref _acknowledged);

    public void ReportServerWalEnd(ulong lsn)
    {
        if (lsn > ServerWalEnd)
        {
            Interlocked.Exchange(ref _serverWalEnd, (long)lsn);
        }
    }

    public void ReportAcknowledged(ulong lsn) => Interlocked.Exchange(ref _acknowledged, (long)lsn);

    /// <summary>A transaction (or message) at <paramref name="lsn"/>, committed at <paramref name="commitMicros"/>, was received.</summary>
    public void ReportReceived(ulong lsn, long commitMicros)
    {
        Interlocked.Exchange(ref _receivedCommitMicros, commitMicros);
        Interlocked.Exchange(ref _received, (long)lsn);
    }

    /// <summary>A record was handed to Kafka: if none was waiting, the wait starts now.</summary>
    public void KafkaPending() => Interlocked.CompareExchange(ref _kafkaWaitingSinceTicks, clock.GetUtcNow().UtcTicks, 0);

    /// <summary>Kafka acknowledged a record: the wait restarts now, or ends when nothing is left.</summary>
    public void KafkaDelivered(bool anyLeft) =>
        Interlocked.Exchange(ref _kafkaWaitingSinceTicks, anyLeft ? clock.GetUtcNow().UtcTicks : 0);

    public void Reset()
    {
        Interlocked.Exchange(ref _kafkaWaitingSinceTicks, 0);
        Interlocked.Exchange(ref _received, 0);
    }

    /// <summary>Bytes of WAL the server has written beyond the acknowledged position (0 before streaming).</summary>
    public long LagBytes
    {
        get
        {
            var end = ServerWalEnd;
            var acknowledged = Acknowledged;
            return end == 0 || acknowledged == 0 || end <= acknowledged ? 0 : (long)(end - acknowledged);
        }
    }

    /// <summary>
    /// How far behind PostgreSQL the acknowledged position is in time: now minus the commit time of the last
    /// transaction received while it is not yet acknowledged; zero when caught up.
    /// </summary>
    public TimeSpan LagTime
    {
        get
        {
            var received = (ulong)Interlocked.Read(ref _received);
            var commitMicros = Interlocked.Read(ref _receivedCommitMicros);
            if (received == 0 || received <= Acknowledged || commitMicros == 0)
            {
                return TimeSpan.Zero;
            }

            var lag = clock.GetUtcNow() - DateTimeOffset.UnixEpoch.AddTicks(commitMicros * 10);
            return lag > TimeSpan.Zero ? lag : TimeSpan.Zero;
        }
    }

    /// <summary>How long records have waited for Kafka without any acknowledgement; zero when none wait.</summary>
    public TimeSpan KafkaWaiting
    {
        get
        {
            var since = Interlocked.Read(ref _kafkaWaitingSinceTicks);
            return since == 0 ? TimeSpan.Zero : clock.GetUtcNow() - new DateTimeOffset(since, TimeSpan.Zero);
        }
    }
}
