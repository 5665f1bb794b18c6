using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// A Kafka Connect connector as the repository keeps it: <c>{"name": ..., "config": {...}}</c>, the body
/// Connect's <c>POST /connectors</c> accepts. Credentials are placeholders resolved by the worker.
/// </summary>
internal sealed record ConnectorDefinition(string Name, IReadOnlyDictionary<string, string> Config)
{
    public const string TopicPrefixKey = "topic.prefix";
    public const string DatabaseHostnameKey = "database.hostname";
    public const string DatabasePortKey = "database.port";
    public const string DatabaseNameKey = "database.dbname";

    private static readonly string[] DatabaseKeys = [DatabaseHostnameKey, DatabasePortKey, DatabaseNameKey];

    /// <summary>The prefix of every change topic (<c>{prefix}.public.users</c>).</summary>
    public string TopicPrefix => Setting(TopicPrefixKey);

    /// <summary>The value of <paramref name="key"/>; a connector without it is a mistake in the file, named.</summary>
    public string Setting(string key) => Config.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"Connector '{Name}' has no '{key}' setting.");

    /// <summary>
    /// This connector reading <paramref name="database"/>: its host name, port and database name as a container on
    /// Aspire's network reaches them (the server resource's name, its primary endpoint's target port), so renaming
    /// either resource cannot silently point capture elsewhere. The file must not set them itself.
    /// </summary>
    public ConnectorDefinition ForDatabase(PostgresDatabaseResource database)
    {
        ArgumentNullException.ThrowIfNull(database);

        if (DatabaseKeys.FirstOrDefault(Config.ContainsKey) is { } given)
        {
            throw new InvalidDataException(
                $"Connector '{Name}' sets '{given}': remove it from the connector file, the AppHost sets it from the '{database.Name}' resource.");
        }

        var server = database.Parent;
        var port = server.PrimaryEndpoint.TargetPort
            ?? throw new InvalidOperationException($"The '{server.Name}' resource's endpoint has no target port.");
        return this with
        {
            Config = new Dictionary<string, string>(Config, StringComparer.Ordinal)
            {
                [DatabaseHostnameKey] = server.Name,
                [DatabasePortKey] = port.ToString(CultureInfo.InvariantCulture),
                [DatabaseNameKey] = database.DatabaseName,
            },
        };
    }

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
