using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// A Kafka Connect REST endpoint on 127.0.0.1 with the semantics the AppHost relies on: connector configs
/// (GET/PUT .../config, 201 on create, 200 on update, 404 when absent), status, and restart. It records
/// every request so tests can see what the client really sent. Served by Kestrel on a port the system picks when it
/// binds (no probe-then-bind race), with HTTP keep-alive as a real worker does: HttpListener closed kept-alive
/// connections under load, so a client's next request on one ended prematurely.
/// </summary>
internal sealed class LocalKafkaConnectServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _configs = new();
    private readonly ConcurrentDictionary<string, (string State, string? Trace)> _states = new();
    private readonly Lock _statusGate = new();
    private int _statusNotFoundLeft;

    public LocalKafkaConnectServer()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    public int Port { get; }

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

    private async Task HandleAsync(HttpContext context)
    {
        var (request, response) = (context.Request, context.Response);
        var path = request.Path.ToUriComponent().Trim('/').Split('/');
        Requests.Enqueue($"{request.Method} {request.Path.ToUriComponent()}{request.QueryString.ToUriComponent()}");

        if (path is not ["connectors", var name, var action])
        {
            await WriteAsync(response, HttpStatusCode.NotFound, new { error_code = 404, message = "Unknown path" });
            return;
        }

        name = Uri.UnescapeDataString(name);
        switch (request.Method, action)
        {
            case ("GET", "config") when _configs.TryGetValue(name, out var config):
                await WriteAsync(response, HttpStatusCode.OK, config);
                break;
            case ("PUT", "config"):
                var body = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(request.Body)
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
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(raw));
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

    private static async Task WriteAsync(HttpResponse response, HttpStatusCode status, object body)
    {
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
