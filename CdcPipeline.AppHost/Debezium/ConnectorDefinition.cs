using System.Text.Json;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// A Kafka Connect connector as the repository keeps it: <c>{"name": ..., "config": {...}}</c>, the body
/// Connect's <c>POST /connectors</c> accepts. Credentials are placeholders resolved by the worker.
/// </summary>
public sealed record ConnectorDefinition(string Name, IReadOnlyDictionary<string, string> Config)
{
    public const string TopicPrefixKey = "topic.prefix";

    /// <summary>The prefix of every change topic (<c>{prefix}.public.users</c>).</summary>
    public string TopicPrefix => Setting(TopicPrefixKey);

    /// <summary>The value of <paramref name="key"/>; a connector without it is a mistake in the file, named.</summary>
    public string Setting(string key) => Config.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"Connector '{Name}' has no '{key}' setting.");

    public static ConnectorDefinition Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
        {
            throw new InvalidDataException($"{path}: the connector needs a string 'name'.");
        }

        if (!root.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: the connector needs a 'config' object.");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in config.EnumerateObject())
        {
            if (setting.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{path}: config '{setting.Name}' must be a string, as Kafka Connect stores it.");
            }

            settings[setting.Name] = setting.Value.GetString()!;
        }

        return new ConnectorDefinition(name.GetString()!, settings);
    }
}
