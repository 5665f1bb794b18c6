using CdcPipeline.AppHost.Kafka;

namespace CdcPipeline.Tests.Reliability;

public class FaultScheduleTests
{
    private static readonly KafkaTopic[] Topics = [PipelineTopics.Users, PipelineTopics.Orders, new("cdc.public.users", 6)];

    [Fact]
    public void The_same_seed_gives_the_same_faults_at_the_same_times_and_another_seed_others()
    {
        var first = FaultSchedule.Generate(42, TimeSpan.FromMinutes(2), 3, Topics).Faults.Select(f => f.ToString()).ToList();
        var again = FaultSchedule.Generate(42, TimeSpan.FromMinutes(2), 3, Topics).Faults.Select(f => f.ToString()).ToList();
        var other = FaultSchedule.Generate(43, TimeSpan.FromMinutes(2), 3, Topics).Faults.Select(f => f.ToString()).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Faults_stay_within_the_duration_in_time_order_and_aim_at_what_exists()
    {
        var schedule = FaultSchedule.Generate(7, TimeSpan.FromMinutes(30), 3, Topics);

        Assert.All(schedule.Faults, f => Assert.InRange(f.At, TimeSpan.Zero, schedule.Duration));
        Assert.Equal(schedule.Faults.OrderBy(f => f.At), schedule.Faults);
        Assert.All(schedule.Faults, f => Assert.InRange(f.Broker, 1, 3));
        Assert.All(schedule.Faults, f => Assert.InRange(f.Partition, 0, Topics.Single(t => t.Name == f.Topic).Partitions - 1));
        // About one fault per mean gap: 600 in 30 minutes, within a wide margin.
        Assert.InRange(schedule.Faults.Count, 450, 750);
    }

    [Fact]
    public void Every_schedule_brings_every_kind_the_short_one_of_every_test_run_too()
    {
        foreach (var seed in Enumerable.Range(1, 50))
        {
            var shortOne = FaultSchedule.Generate(seed, FaultRunSettings.ShortDuration, 3, Topics);

            Assert.Equal(Enum.GetValues<FaultKind>().Order(), shortOne.Faults.Select(f => f.Kind).Distinct().Order());
            Assert.Equal(shortOne.Faults.OrderBy(f => f.At), shortOne.Faults);
            Assert.All(shortOne.Faults, f => Assert.InRange(f.At, TimeSpan.Zero, shortOne.Duration));
        }
    }

    [Fact]
    public void A_long_schedule_that_has_every_kind_gets_no_extra_faults()
    {
        var schedule = FaultSchedule.Generate(7, TimeSpan.FromMinutes(5), 3, Topics);

        // Seed 7's five-minute schedule of the README's run: 112 faults, every kind drawn by the process itself.
        Assert.Equal(112, schedule.Faults.Count);
    }
}
