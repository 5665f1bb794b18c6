using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The connector JSON against what the SQL creates and what the AppHost gives the services.</summary>
public sealed partial class ConnectorConfigurationTests
{
    [Fact]
    public async Task Connector_uses_the_publication_and_tables_the_sql_creates()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);
        var sql = ReadSql(model);

        var publication = CreatePublication().Match(sql);
        Assert.True(publication.Success, "sql/postgres creates no publication");
        var tables = publication.Groups["tables"].Value.Split(',')
            .Select(t => t.Trim())
            .Select(t => t.Contains('.', StringComparison.Ordinal) ? t : "public." + t)
            .Order();

        Assert.Equal(publication.Groups["name"].Value, connector.Config["publication.name"]);
        Assert.Equal("disabled", connector.Config["publication.autocreate.mode"]);
        Assert.Equal(tables, connector.Config["table.include.list"].Split(',').Select(t => t.Trim()).Order());
        foreach (var table in tables)
        {
            // Change events carry the whole old row only with REPLICA IDENTITY FULL.
            Assert.Matches($@"(?i)ALTER\s+TABLE\s+{Regex.Escape(table["public.".Length..])}\s+REPLICA\s+IDENTITY\s+FULL", sql);
        }
    }

    [Fact]
    public async Task Connector_reads_cdc_db_on_the_postgres_resource_through_its_own_slot()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);
        var database = model.Resource<PostgresDatabaseResource>("cdcdb");

        Assert.Equal("cdc-connector", connector.Name);
        Assert.Equal("io.debezium.connector.postgresql.PostgresConnector", connector.Config["connector.class"]);
        Assert.Equal(database.Parent.Name, connector.Config["database.hostname"]);
        Assert.Equal(database.Parent.PrimaryEndpoint.TargetPort.ToString(), connector.Config["database.port"]);
        Assert.Equal(database.DatabaseName, connector.Config["database.dbname"]);
        Assert.Equal("pgoutput", connector.Config["plugin.name"]);
        Assert.Equal("cdc_slot", connector.Config["slot.name"]);
        // A replication slot name: lower case letters, digits and underscores, at most 63 characters.
        Assert.Matches("^[a-z0-9_]{1,63}$", connector.Config["slot.name"]);
    }

    [Fact]
    public async Task Cassandra_sink_reads_the_topic_prefix_the_connector_writes()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);

        var env = await model.EnvironmentAsync("cassandra-sink");

        Assert.Equal("cdc", connector.Config["topic.prefix"]);
        Assert.Equal(connector.Config["topic.prefix"], env["CassandraSink__TopicPrefix"]);
    }

    [Fact]
    public async Task Connector_credentials_come_from_the_worker_environment_not_the_file()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);
        var connect = await model.EnvironmentAsync("debezium");

        var user = EnvPlaceholder().Match(connector.Config["database.user"]);
        var password = EnvPlaceholder().Match(connector.Config["database.password"]);

        Assert.True(user.Success, "database.user is not an ${env:...} placeholder");
        Assert.True(password.Success, "database.password is not an ${env:...} placeholder");
        Assert.Equal("env", connect["CONNECT_CONFIG_PROVIDERS"]);
        Assert.Equal("org.apache.kafka.common.config.provider.EnvVarConfigProvider", connect["CONNECT_CONFIG_PROVIDERS_ENV_CLASS"]);
        Assert.Equal("{postgres-password.value}", connect[password.Groups["name"].Value]);
        Assert.Equal("postgres", connect[user.Groups["name"].Value]);
    }

    [Fact]
    public async Task Change_topics_are_created_partitioned_and_replicated_three_times()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);

        Assert.Equal("3", connector.Config["topic.creation.default.replication.factor"]);
        Assert.True(int.Parse(connector.Config["topic.creation.default.partitions"], System.Globalization.CultureInfo.InvariantCulture) > 1);
    }

    [Fact]
    public async Task Connector_sends_heartbeats_that_write_wal_so_an_idle_database_releases_it()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);

        Assert.True(int.Parse(connector.Config["heartbeat.interval.ms"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("pg_logical_emit_message", connector.Config["heartbeat.action.query"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_messages_move_the_slot_but_are_not_published_to_a_topic()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);

        // Debezium records the position of an excluded logical decoding message before it filters it, so the
        // slot still advances; excluded, the message no longer lands on <topic.prefix>.message.
        var emitted = HeartbeatMessage().Match(connector.Config["heartbeat.action.query"]);
        Assert.True(emitted.Success, "heartbeat.action.query emits no logical decoding message");
        var excluded = connector.Config["message.prefix.exclude.list"].Split(',').Select(p => p.Trim());
        Assert.Contains(excluded, pattern => Regex.IsMatch(emitted.Groups["prefix"].Value, $"^(?:{pattern})$"));
        // Debezium refuses an include list next to an exclude list.
        Assert.DoesNotContain("message.prefix.include.list", connector.Config.Keys);
    }

    [Fact]
    public async Task Change_events_are_json_with_schemas()
    {
        await using var model = await AppHostModel.CreateAsync();
        var connector = LoadConnector(model);

        Assert.Equal("org.apache.kafka.connect.json.JsonConverter", connector.Config["key.converter"]);
        Assert.Equal("org.apache.kafka.connect.json.JsonConverter", connector.Config["value.converter"]);
        Assert.Equal("true", connector.Config["key.converter.schemas.enable"]);
        Assert.Equal("true", connector.Config["value.converter.schemas.enable"]);
    }

    [Fact]
    public async Task Database_settings_come_from_the_database_resource_not_the_file()
    {
        await using var model = await AppHostModel.CreateAsync();
        var file = ConnectorDefinition.Load(Path.Combine(model.AppHostDirectory, "Debezium", "cdc-connector.json"));
        var database = model.Resource<PostgresDatabaseResource>("cdcdb");

        Assert.DoesNotContain(ConnectorDefinition.DatabaseHostnameKey, file.Config.Keys);
        Assert.DoesNotContain(ConnectorDefinition.DatabasePortKey, file.Config.Keys);
        Assert.DoesNotContain(ConnectorDefinition.DatabaseNameKey, file.Config.Keys);
        var derived = file.ForDatabase(database);
        Assert.Equal("postgres", derived.Config[ConnectorDefinition.DatabaseHostnameKey]);
        Assert.Equal("5432", derived.Config[ConnectorDefinition.DatabasePortKey]);
        Assert.Equal("cdc_db", derived.Config[ConnectorDefinition.DatabaseNameKey]);
    }

    [Fact]
    public void Renamed_database_resources_are_what_the_connector_reads()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var database = builder.AddPostgres("orders-pg").AddDatabase("orders", databaseName: "orders_db");
        var file = new ConnectorDefinition("c", new Dictionary<string, string> { ["topic.prefix"] = "cdc" });

        var derived = file.ForDatabase(database.Resource);

        Assert.Equal("orders-pg", derived.Config[ConnectorDefinition.DatabaseHostnameKey]);
        Assert.Equal("orders_db", derived.Config[ConnectorDefinition.DatabaseNameKey]);
        Assert.Equal("cdc", derived.Config["topic.prefix"]);
    }

    [Fact]
    public async Task A_connector_file_that_sets_the_database_host_is_refused_naming_the_key()
    {
        await using var model = await AppHostModel.CreateAsync();
        var file = new ConnectorDefinition("c", new Dictionary<string, string> { [ConnectorDefinition.DatabaseHostnameKey] = "postgres" });

        var error = Assert.Throws<InvalidDataException>(() => file.ForDatabase(model.Resource<PostgresDatabaseResource>("cdcdb")));

        Assert.Equal("Connector 'c' sets 'database.hostname': remove it from the connector file, the AppHost sets it from the 'cdcdb' resource.", error.Message);
    }

    // The definition the AppHost registers: the one file in the repository plus the database settings of cdcdb.
    private static ConnectorDefinition LoadConnector(AppHostModel model)
    {
        var registered = model.Resource<DebeziumConnectorResource>("cdc-connector").Definition;
        var file = ConnectorDefinition.Load(Path.Combine(model.AppHostDirectory, "Debezium", "cdc-connector.json"));
        Assert.Equal(file.Name, registered.Name);
        Assert.Equal(file.ForDatabase(model.Resource<PostgresDatabaseResource>("cdcdb")).Config, registered.Config);
        return registered;
    }

    private static string ReadSql(AppHostModel model) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(model.AppHostDirectory, "..", "sql", "postgres"), "*.sql").Order().Select(File.ReadAllText));

    [GeneratedRegex(@"(?i)CREATE\s+PUBLICATION\s+(?<name>\w+)\s+FOR\s+TABLE\s+(?<tables>[\w\s.,]+?)\s*;")]
    private static partial Regex CreatePublication();

    [GeneratedRegex(@"pg_logical_emit_message\(\s*(?:true|false)\s*,\s*'(?<prefix>[^']+)'")]
    private static partial Regex HeartbeatMessage();

    [GeneratedRegex(@"^\$\{env:(?<name>[A-Za-z_][A-Za-z0-9_]*)\}$")]
    private static partial Regex EnvPlaceholder();
}
