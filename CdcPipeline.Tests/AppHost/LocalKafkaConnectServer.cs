using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// A Kafka Connect REST endpoint on 127.0.0.1 with the semantics the AppHost relies on: connector configs
/// (GET/PUT .../config, 201 on create, 200 on update, 404 when absent), status, and restart. It records
/// every request so tests can see what the client really sent.
/// </summary>
internal sealed class LocalKafkaConnectServer : IAsyncDisposable
{
    private const int BindAttempts = 5;

    private readonly string _identity = Guid.NewGuid().ToString("N");
    private HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _configs = new();
    private readonly ConcurrentDictionary<string, (string State, string? Trace)> _states = new();
    private readonly Lock _statusGate = new();
    private int _statusNotFoundLeft;

    public LocalKafkaConnectServer()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
            }
            catch (HttpListenerException) when (attempt < BindAttempts)
            {
                continue;
            }

            _loop = Task.Run(ServeAsync);
            if (AnswersAsItself() || attempt == BindAttempts)
            {
                return;
            }

            // Between finding the port free and binding it, another listener (a mock Kafka broker, say) took it:
            // requests to 127.0.0.1:Port would reach that one. Start again on another port.
            _listener.Stop();
            _listener.Close();
            _loop.Wait();
        }
    }

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public ConcurrentQueue<string> Requests { get; } = new();

    public IReadOnlyDictionary<string, string>? ConfigOf(string connector) => _configs.TryGetValue(connector, out var c) ? c : null;

    public void SetState(string connector, string state, string? trace = null) => _states[connector] = (state, trace);

    /// <summary>
    /// How many status reads after each PUT answer 404: a real worker does so while a new connector propagates
    /// through its config topic.
    /// </summary>
    public int StatusNotFoundAfterPut { get; set; }

    /// <summary>When set, status reads answer 200 with exactly this body (to serve what a client cannot read).</summary>
    public string? RawStatusBody { get; set; }

    private bool ConsumeStatusNotFound()
    {
        lock (_statusGate)
        {
            if (_statusNotFoundLeft == 0)
            {
                return false;
            }

            _statusNotFoundLeft--;
            return true;
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (context.Response)
            {
                await HandleAsync(context.Request, context.Response);
            }
        }
    }

    private async Task HandleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var path = request.Url!.AbsolutePath.Trim('/').Split('/');
        if (path is ["__identity"])
        {
            await WriteAsync(response, HttpStatusCode.OK, _identity);
            return;
        }

        Requests.Enqueue($"{request.HttpMethod} {request.Url.PathAndQuery}");

        if (path is not ["connectors", var name, var action])
        {
            await WriteAsync(response, HttpStatusCode.NotFound, new { error_code = 404, message = "Unknown path" });
            return;
        }

        name = Uri.UnescapeDataString(name);
        switch (request.HttpMethod, action)
        {
            case ("GET", "config") when _configs.TryGetValue(name, out var config):
                await WriteAsync(response, HttpStatusCode.OK, config);
                break;
            case ("PUT", "config"):
                var body = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(request.InputStream)
                    ?? throw new InvalidOperationException("empty body");
                body["name"] = name; // Connect stores the name with the configuration.
                var created = _configs.TryAdd(name, body);
                if (!created)
                {
                    _configs[name] = body;
                }

                _states.TryAdd(name, ("RUNNING", null));
                lock (_statusGate)
                {
                    _statusNotFoundLeft = StatusNotFoundAfterPut;
                }

                await WriteAsync(response, created ? HttpStatusCode.Created : HttpStatusCode.OK, new { name, config = body, tasks = Array.Empty<object>() });
                break;
            case ("GET", "status") when RawStatusBody is { } raw:
                response.StatusCode = (int)HttpStatusCode.OK;
                response.ContentType = "application/json";
                await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(raw));
                break;
            case ("GET", "status") when ConsumeStatusNotFound():
                await WriteAsync(response, HttpStatusCode.NotFound, new { error_code = 404, message = $"No status found for connector {name}" });
                break;
            case ("GET", "status") when _states.TryGetValue(name, out var state):
                await WriteAsync(response, HttpStatusCode.OK, new
                {
                    name,
                    connector = new { state = "RUNNING", worker_id = "debezium:8083" },
                    tasks = new object[] { state.Trace is null
                        ? new { id = 0, state = state.State, worker_id = "debezium:8083" }
                        : new { id = 0, state = state.State, worker_id = "debezium:8083", trace = state.Trace } },
                    type = "source",
                });
                break;
            case ("POST", "restart") when _configs.ContainsKey(name):
                _states[name] = ("RUNNING", null);
                response.StatusCode = (int)HttpStatusCode.NoContent;
                break;
            default:
                await WriteAsync(response, HttpStatusCode.NotFound, new { error_code = 404, message = $"Connector {name} not found" });
                break;
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, object body)
    {
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
        await response.OutputStream.WriteAsync(bytes);
    }

    private bool AnswersAsItself()
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var answer = http.GetStringAsync(new Uri(BaseAddress, "__identity")).GetAwaiter().GetResult();
            return answer.Contains(_identity, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
