using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>What <see cref="KafkaConnectClient.EnsureConnectorAsync"/> did.</summary>
internal enum ConnectorRegistrationOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>A Kafka Connect REST call that did not succeed; carries Connect's own error message.</summary>
internal sealed class KafkaConnectException(HttpStatusCode statusCode, string message) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}

/// <summary>
/// The few calls of the Kafka Connect REST API the AppHost needs. The <see cref="HttpClient"/> has the
/// worker's address as its base address.
/// </summary>
internal sealed class KafkaConnectClient(HttpClient http)
{
    /// <summary>
    /// Makes the worker run <paramref name="connector"/> with exactly its configuration: creates it, updates
    /// it when its configuration differs, and leaves it alone (no restart) when it is already the same.
    /// </summary>
    public async Task<ConnectorRegistrationOutcome> EnsureConnectorAsync(ConnectorDefinition connector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);

        var current = await GetConfigAsync(connector.Name, cancellationToken).ConfigureAwait(false);
        if (current is not null && SameConfig(current, connector))
        {
            return ConnectorRegistrationOutcome.Unchanged;
        }

        using var response = await http.PutAsJsonAsync(ConnectorPath(connector.Name, "config"), connector.Config, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"register connector '{connector.Name}'", cancellationToken).ConfigureAwait(false);

        return response.StatusCode == HttpStatusCode.Created || current is null
            ? ConnectorRegistrationOutcome.Created
            : ConnectorRegistrationOutcome.Updated;
    }

    /// <summary>The connector's configuration as the worker stores it, or null when there is no such connector.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> GetConfigAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(ConnectorPath(name, "config"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"read the configuration of connector '{name}'", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(cancellationToken).ConfigureAwait(false)
            ?? throw new KafkaConnectException(response.StatusCode, $"Kafka Connect returned no configuration for connector '{name}'.");
    }

    /// <summary>The connector's and its tasks' state, or null when there is no such connector.</summary>
    public async Task<ConnectorStatus?> GetStatusAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(ConnectorPath(name, "status"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"read the status of connector '{name}'", cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        return ParseStatus(name, document.RootElement);
    }

    /// <summary>Restarts the connector and all of its tasks.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(ConnectorPath(name, "restart") + "?includeTasks=true&onlyFailed=false", content: null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"restart connector '{name}'", cancellationToken).ConfigureAwait(false);
    }

    private static string ConnectorPath(string name, string action) => $"connectors/{Uri.EscapeDataString(name)}/{action}";

    // Connect adds "name" to the stored configuration; every other key must match exactly.
    private static bool SameConfig(IReadOnlyDictionary<string, string> current, ConnectorDefinition desired)
    {
        var currentKeys = current.Keys.Where(k => k != "name" || desired.Config.ContainsKey("name")).ToHashSet(StringComparer.Ordinal);
        return currentKeys.SetEquals(desired.Config.Keys)
            && desired.Config.All(setting => current.TryGetValue(setting.Key, out var value) && value == setting.Value);
    }

    private static ConnectorStatus ParseStatus(string name, JsonElement root)
    {
        var connector = Required(root, "connector", name);
        var tasks = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tasks", out var taskArray) && taskArray.ValueKind == JsonValueKind.Array
            ? taskArray.EnumerateArray().Select(t => new ConnectorTaskStatus(
                Required(t, "id", name).GetInt32(),
                Required(t, "state", name).GetString() ?? "UNKNOWN",
                OptionalString(t, "worker_id"),
                OptionalString(t, "trace"))).ToArray()
            : [];

        return new ConnectorStatus(
            name,
            Required(connector, "state", name).GetString() ?? "UNKNOWN",
            OptionalString(connector, "worker_id"),
            OptionalString(connector, "trace"),
            tasks);
    }

    private static JsonElement Required(JsonElement element, string property, string connector) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw new JsonException($"The status Kafka Connect returned for connector '{connector}' has no '{property}' property.");

    private static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? message = null;
        try
        {
            using var error = JsonDocument.Parse(body);
            message = OptionalString(error.RootElement, "message");
        }
        catch (JsonException)
        {
            // Not Connect's JSON error body (a proxy or a starting worker): report the raw text.
        }

        throw new KafkaConnectException(
            response.StatusCode,
            $"Kafka Connect could not {action}: {(int)response.StatusCode} {response.ReasonPhrase}: {message ?? body}");
    }
}
