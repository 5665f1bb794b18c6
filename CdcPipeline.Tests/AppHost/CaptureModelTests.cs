using System.Globalization;
using System.Text.Json;
using CdcPipeline.AppHost.Capture;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The built-in capture takes its settings from the Debezium connector file, so the two capture modes write the same topics.</summary>
public sealed class CaptureModelTests
{
    [Theory]
    [InlineData("local")]
    [InlineData("containers")]
    public async Task Capture_settings_are_the_connector_files_values(string profile)
    {
        await using var model = profile == "local"
            ? await AppHostModel.CreateLocalAsync()
            : await AppHostModel.CreateAsync("CdcPipeline:Capture=builtin");
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(model.AppHostDirectory, "Debezium", "cdc-connector.json"), TestContext.Current.CancellationToken));
        var config = file.RootElement.GetProperty("config");
        string Connector(string key) => config.GetProperty(key).GetString()!;

        var env = await model.EnvironmentAsync("capture");

        Assert.Equal(Connector("topic.prefix"), env["Capture__TopicPrefix"]);
        Assert.Equal(Connector("slot.name"), env["Capture__SlotName"]);
        Assert.Equal(Connector("publication.name"), env["Capture__PublicationName"]);
        Assert.Equal(Connector("table.include.list"), env["Capture__Tables"]);
        Assert.Equal(Connector("value.converter.schemas.enable"), env["Capture__SchemasEnable"]);
        Assert.Equal(
            TimeSpan.FromMilliseconds(long.Parse(Connector("heartbeat.interval.ms"), CultureInfo.InvariantCulture)),
            TimeSpan.Parse(env["Capture__HeartbeatInterval"], CultureInfo.InvariantCulture));
        Assert.Equal(Connector("topic.creation.default.partitions"), env["Capture__TopicPartitions"]);
        Assert.Equal(Connector("topic.creation.default.replication.factor"), env["Capture__TopicReplicationFactor"]);
        Assert.Equal("cdc-capture-offsets", env["Capture__OffsetsTopic"]);
        Assert.Equal("1000000", env["DOTNET_GCgen0size"]);
        Assert.Equal(env["Capture__TopicPrefix"], (await model.EnvironmentAsync("cassandra-sink"))["CassandraSink__TopicPrefix"]);
    }

    [Fact]
    public async Task Containers_with_builtin_capture_have_no_debezium_and_kafka_ui_without_connect()
    {
        await using var model = await AppHostModel.CreateAsync("CdcPipeline:Capture=builtin");

        var kafkaUi = await model.EnvironmentAsync("kafka-ui");

        Assert.DoesNotContain(model.Resources, r => r.Name is "debezium" or "cdc-connector");
        Assert.Equal(["cdcdb", "kafka"], model.Resource("capture").Annotations.OfType<Aspire.Hosting.ApplicationModel.WaitAnnotation>()
            .Select(w => w.Resource.Name).Where(n => n != "postgres").Distinct().Order());
        Assert.DoesNotContain(kafkaUi.Keys, k => k.Contains("KAFKACONNECT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Both_capture_modes_read_the_cdcdb_resource()
    {
        await using var debezium = await AppHostModel.CreateAsync();
        await using var builtin = await AppHostModel.CreateAsync("CdcPipeline:Capture=builtin");
        var database = debezium.Resource<Aspire.Hosting.ApplicationModel.PostgresDatabaseResource>("cdcdb");
        var connector = debezium.Resource<CdcPipeline.AppHost.Debezium.DebeziumConnectorResource>("cdc-connector").Definition;

        var capture = await builtin.EnvironmentAsync("capture");

        Assert.Equal(database.Parent.Name, connector.Config["database.hostname"]);
        Assert.Equal(database.DatabaseName, connector.Config["database.dbname"]);
        Assert.Equal("{cdcdb.connectionString}", capture["ConnectionStrings__cdcdb"]);
    }

    [Fact]
    public async Task Containers_with_debezium_have_no_capture_project()
    {
        await using var model = await AppHostModel.CreateAsync();

        Assert.DoesNotContain(model.Resources, r => r.Name == "capture");
        Assert.Contains(model.Resources, r => r.Name == "cdc-connector");
    }

    [Fact]
    public void Heartbeat_topic_is_debeziums_default_for_the_prefix()
    {
        var settings = CaptureSettings.FromConnector(new("c", new Dictionary<string, string>
        {
            ["topic.prefix"] = "shop",
            ["slot.name"] = "s",
            ["publication.name"] = "p",
            ["table.include.list"] = "public.a, public.b",
            ["value.converter.schemas.enable"] = "false",
            ["heartbeat.interval.ms"] = "2500",
            ["topic.creation.default.partitions"] = "2",
            ["topic.creation.default.replication.factor"] = "1",
        }));

        Assert.Equal("__debezium-heartbeat.shop", settings.HeartbeatTopic);
        Assert.Equal(["shop.public.a", "shop.public.b"], settings.ChangeTopics);
        Assert.Equal("00:00:02.5000000", settings.EnvironmentVariables["Capture__HeartbeatInterval"]);
        Assert.Equal("false", settings.EnvironmentVariables["Capture__SchemasEnable"]);
    }
}
