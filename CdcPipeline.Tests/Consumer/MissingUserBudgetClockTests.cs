using CdcPipeline.Consumer.Processing;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The budget of parked orders counts the chance their users had: nothing while the users topic is behind where it
/// stood at parking, then the time since it caught up while PostgreSQL was reachable.
/// </summary>
public sealed class MissingUserBudgetClockTests
{
    private const string Users = "users";

    [Fact]
    public void The_budget_does_not_count_while_the_users_topic_is_behind_its_mark_and_counts_from_when_it_caught_up()
    {
        var time = new FakeTimeProvider();
        var clock = new MissingUserBudgetClock(time) { Mark = Mark((0, 0, 120), (1, 0, 80)) };

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(clock.Mark.IsReachedBy(Committed((0, 120), (1, 79))));
        Assert.Equal(TimeSpan.Zero, clock.Spent(TimeSpan.Zero));

        Assert.True(clock.Mark.IsReachedBy(Committed((0, 125), (1, 80))));
        clock.Start(TimeSpan.Zero);
        time.Advance(TimeSpan.FromSeconds(3));
        clock.Start(TimeSpan.Zero);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(5), clock.Spent(TimeSpan.Zero));
    }

    [Fact]
    public void Time_PostgreSQL_was_unreachable_after_the_users_topic_caught_up_does_not_count()
    {
        var time = new FakeTimeProvider();
        var clock = new MissingUserBudgetClock(time);
        var unreachableBefore = TimeSpan.FromMinutes(7);

        clock.Start(unreachableBefore);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(10), clock.Spent(unreachableBefore + TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_partition_empty_at_parking_needs_no_commit_and_one_with_events_but_no_commit_is_behind()
    {
        var mark = Mark((0, 40, 40), (1, 0, 5), (2, 0, 0));

        Assert.Equal([new TopicPartition(Users, 1)], mark.Partitions);
        Assert.False(mark.IsReachedBy([new TopicPartitionOffset(Users, 1, Offset.Unset)]));
        Assert.False(mark.IsReachedBy([]));
        Assert.False(mark.IsReachedBy([new TopicPartitionOffset("orders", 1, 9)]));
        Assert.True(mark.IsReachedBy([new TopicPartitionOffset(Users, 0, Offset.Unset), new TopicPartitionOffset(Users, 1, 5)]));
        Assert.True(Mark((0, 3, 3)).IsReachedBy([]));
    }

    private static UsersTopicMark Mark(params (int Partition, long Low, long High)[] watermarks) =>
        UsersTopicMark.Of(Users, watermarks.Select(w => (w.Partition, new WatermarkOffsets(w.Low, w.High))));

    private static TopicPartitionOffset[] Committed(params (int Partition, long Offset)[] offsets) =>
        offsets.Select(o => new TopicPartitionOffset(Users, o.Partition, o.Offset)).ToArray();
}
