using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost;

namespace CdcPipeline.Tests.AppHost;

public sealed class PersistentDataTests
{
    private static readonly string[] s_statefulContainers = ["kafka-1", "kafka-2", "kafka-3", "postgres", "cassandra"];

    [Fact]
    public async Task By_default_kafka_postgres_and_cassandra_keep_their_data_on_named_volumes()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var name in s_statefulContainers)
        {
            var volume = Assert.Single(VolumesOf(model.Resource(name)));
            Assert.False(string.IsNullOrEmpty(volume.Source), $"{name} mounts an anonymous volume");
            Assert.False(volume.IsReadOnly);
        }
    }

    [Fact]
    public async Task With_ephemeral_volumes_no_resource_mounts_a_volume()
    {
        await using var model = await AppHostModel.CreateAsync($"{PersistentData.EphemeralVolumesSetting}=true");

        Assert.All(model.Resources, resource => Assert.Empty(VolumesOf(resource)));
        // The setting removes the volumes only: the containers are all still there.
        Assert.All(s_statefulContainers, name => Assert.IsAssignableFrom<ContainerResource>(model.Resource(name)));
    }

    [Fact]
    public async Task Ephemeral_volumes_false_keeps_the_named_volumes()
    {
        await using var model = await AppHostModel.CreateAsync($"{PersistentData.EphemeralVolumesSetting}=false");

        Assert.All(s_statefulContainers, name => Assert.Single(VolumesOf(model.Resource(name))));
    }

    private static IEnumerable<ContainerMountAnnotation> VolumesOf(IResource resource) =>
        resource.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.Volume);
}
