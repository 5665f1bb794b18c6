using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Writing;

namespace CdcPipeline.Tests.CassandraSink;

public class WriteTimestampTests
{
    private static long Streamed(long lsn, long? lastCommitLsn = null) => WriteTimestamp.Of(new SourcePosition(lsn, lastCommitLsn, false));

    private static long Snapshot(long lsn) => WriteTimestamp.Of(new SourcePosition(lsn, null, true));

    [Fact]
    public void Later_change_of_a_row_gets_a_later_timestamp()
    {
        Assert.True(Streamed(24023256) > Streamed(24023128));
    }

    [Fact]
    public void Replayed_change_gets_the_same_timestamp()
    {
        Assert.Equal(Streamed(24023128, 24023104), Streamed(24023128, 24023104));
    }

    [Fact]
    public void Two_changes_of_a_row_never_tie()
    {
        // Distinct WAL records, distinct LSNs: adjacent positions still get distinct timestamps.
        Assert.NotEqual(Streamed(1000), Streamed(1001));
        Assert.NotEqual(Snapshot(1000), Streamed(1000));
    }

    [Fact]
    public void Streamed_change_is_newer_than_the_snapshot_even_when_its_lsn_is_lower()
    {
        // A transaction running while the snapshot was taken commits after it, with changes logged before it.
        const long snapshotLsn = 50_000_000;

        Assert.True(Streamed(snapshotLsn - 1_000) > Snapshot(snapshotLsn));
        Assert.True(Streamed(0) > Snapshot(WriteTimestamp.MaxLsn - 1));
    }

    [Fact]
    public void Later_snapshot_wins_over_an_earlier_one()
    {
        Assert.True(Snapshot(60_000_000) > Snapshot(50_000_000));
    }

    [Fact]
    public void Timestamps_are_positive_for_every_lsn()
    {
        Assert.True(Snapshot(0) >= 0);
        Assert.True(Streamed(WriteTimestamp.MaxLsn - 1) > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Streamed(WriteTimestamp.MaxLsn));
        Assert.Throws<ArgumentOutOfRangeException>(() => Streamed(-1));
    }
}
