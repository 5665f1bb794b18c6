using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Tests.AppHost;

public sealed class ConnectorDefinitionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cdc-connector-").FullName;

    [Fact]
    public void Numeric_setting_is_refused_with_its_name()
    {
        var path = Write("""{ "name": "cdc-connector", "config": { "topic.prefix": "cdc", "tasks.max": 1 } }""");

        var error = Assert.Throws<InvalidDataException>(() => ConnectorDefinition.Load(path));

        Assert.Contains("'tasks.max' must be a string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Definition_without_a_name_is_refused()
    {
        var path = Write("""{ "config": { "topic.prefix": "cdc" } }""");

        var error = Assert.Throws<InvalidDataException>(() => ConnectorDefinition.Load(path));

        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_topic_prefix_is_named_when_asked_for()
    {
        var definition = ConnectorDefinition.Load(Write("""{ "name": "cdc-connector", "config": {} }"""));

        var error = Assert.Throws<InvalidOperationException>(() => definition.TopicPrefix);

        Assert.Contains("'topic.prefix'", error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "connector.json");
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
