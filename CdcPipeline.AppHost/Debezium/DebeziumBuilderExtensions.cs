using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdcPipeline.AppHost.Debezium;

internal static class DebeziumBuilderExtensions
{
    /// <summary>
    /// Adds a Debezium Kafka Connect worker storing its configs, offsets and status in <paramref name="kafka"/>
    /// (replication factor 3), reading the database credentials of <paramref name="database"/> from its
    /// environment, started once Kafka and the database are healthy.
    /// </summary>
    public static IResourceBuilder<DebeziumConnectResource> AddDebeziumConnect(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<KafkaClusterResource> kafka,
        IResourceBuilder<PostgresDatabaseResource> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(database);

        var server = database.Resource.Parent;
        var replicationFactor = KafkaClusterBuilderExtensions.ReplicationFactor.ToString(CultureInfo.InvariantCulture);

        return builder.AddResource(new DebeziumConnectResource(name))
            .WithImage(ContainerImageTags.DebeziumConnectImage, ContainerImageTags.DebeziumConnectTag)
            .WithImageRegistry(ContainerImageTags.DebeziumRegistry)
            .WithHttpEndpoint(targetPort: DebeziumConnectResource.RestPort, name: DebeziumConnectResource.HttpEndpointName)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["BOOTSTRAP_SERVERS"] = kafka.Resource.InternalBootstrapServers;
                env["GROUP_ID"] = DebeziumConnectResource.GroupId;
                env["CONFIG_STORAGE_TOPIC"] = DebeziumConnectResource.ConfigStorageTopic;
                env["OFFSET_STORAGE_TOPIC"] = DebeziumConnectResource.OffsetStorageTopic;
                env["STATUS_STORAGE_TOPIC"] = DebeziumConnectResource.StatusStorageTopic;
                // CONNECT_* variables become worker properties (CONNECT_A_B -> a.b).
                env["CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR"] = replicationFactor;
                env["CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR"] = replicationFactor;
                env["CONNECT_STATUS_STORAGE_REPLICATION_FACTOR"] = replicationFactor;
                env["CONNECT_TOPIC_CREATION_ENABLE"] = "true";
                // The name other workers and Kafka UI reach this worker by. Not CONNECT_REST_ADVERTISED_HOST_NAME:
                // the image's entrypoint overwrites that one with $ADVERTISED_HOST_NAME (its IP when unset).
                env["ADVERTISED_HOST_NAME"] = name;
                // Secrets stay out of the connector configuration (and so out of the connect-configs topic):
                // the connector reads ${env:CDC_DB_USER} / ${env:CDC_DB_PASSWORD}, resolved by the worker.
                env["CONNECT_CONFIG_PROVIDERS"] = "env";
                env["CONNECT_CONFIG_PROVIDERS_ENV_CLASS"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
                env[DebeziumConnectResource.DatabaseUserVariable] = server.UserNameReference;
                env[DebeziumConnectResource.DatabasePasswordVariable] = server.PasswordParameter;
                env["HEAP_OPTS"] = "-Xms256m -Xmx1g";
            })
            .WithHttpHealthCheck(DebeziumConnectResource.HealthPath, endpointName: DebeziumConnectResource.HttpEndpointName)
            .WaitFor(kafka)
            .WaitFor(database);
    }

    /// <summary>
    /// Registers <paramref name="definition"/> on the worker once it is healthy, shows the connector as a child
    /// resource whose state is the connector's state, and offers a dashboard command that restarts it.
    /// </summary>
    public static IResourceBuilder<DebeziumConnectResource> WithConnector(
        this IResourceBuilder<DebeziumConnectResource> connect,
        ConnectorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(definition);

        var builder = connect.ApplicationBuilder;
        var connector = new DebeziumConnectorResource(definition, connect.Resource);

        // A relationship, not a parent: Aspire copies a container parent's every state change onto child resources
        // that have no lifetime of their own (ApplicationOrchestrator.SetChildResourceAsync), which would overwrite
        // the connector's own state (RUNNING, FAILED, waiting for the worker) with the worker container's.
        builder.AddResource(connector)
            .WithRelationship(connect.Resource, DebeziumConnectorResource.WorkerRelationship)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = DebeziumConnectorResource.ResourceType,
                State = ConnectorSnapshots.WaitingState(connect.Resource),
                Properties = [new(ConnectorSnapshots.WaitingForProperty, ConnectorSnapshots.WaitingReason(connect.Resource, "not started yet"))],
            })
            .WithCommand(
                DebeziumConnectorResource.RestartCommandName,
                "Restart connector",
                context => RestartAsync(context, connector),
                new CommandOptions
                {
                    Description = "Restarts the connector and all of its tasks (POST /connectors/{name}/restart?includeTasks=true).",
                    IconName = "ArrowSync",
                    UpdateState = context => context.ResourceSnapshot.State?.Text is null
                        || context.ResourceSnapshot.State.Text == KnownResourceStates.NotStarted
                        || ConnectorSnapshots.IsWaiting(context.ResourceSnapshot)
                        ? ResourceCommandState.Disabled
                        : ResourceCommandState.Enabled,
                })
            .ExcludeFromManifest();

        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddHttpClient(KafkaConnectHttp.HttpClientName);
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<DebeziumConnectorMonitor>(sp, connector));
        }

        return connect;
    }

    private static async Task<ExecuteCommandResult> RestartAsync(ExecuteCommandContext context, DebeziumConnectorResource connector)
    {
        try
        {
            using var http = KafkaConnectHttp.CreateClient(context.Services.GetRequiredService<IHttpClientFactory>(), connector.Connect);
            await new KafkaConnectClient(http).RestartAsync(connector.Name, context.CancellationToken).ConfigureAwait(false);
            return CommandResults.Success();
        }
        catch (Exception ex) when (ex is KafkaConnectException or HttpRequestException or InvalidOperationException)
        {
            return CommandResults.Failure(ex.Message);
        }
    }
}
