using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Kafka;

internal static class PipelineTopicsBuilderExtensions
{
    /// <summary>Tells the Producer the partitions of its topics (<c>Producer:Topics:*:Partitions</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithEventTopicPartitions(this IResourceBuilder<ProjectResource> producer)
    {
        ArgumentNullException.ThrowIfNull(producer);

        return producer
            .WithEnvironment("Producer__Topics__Users__Partitions", PipelineTopics.Users.Partitions.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Producer__Topics__Orders__Partitions", PipelineTopics.Orders.Partitions.ToString(CultureInfo.InvariantCulture));
    }
}
