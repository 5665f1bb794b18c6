using System.Text.Json;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>
/// The Aspire dashboard's telemetry API (<c>/api/telemetry</c>, key in <c>x-api-key</c>): the spans the services
/// exported over OTLP, as the dashboard's Traces page shows them.
/// </summary>
internal sealed class DashboardTelemetry(string dashboardUrl, string apiKey)
{
    /// <summary>
    /// Waits until one trace holds spans of every one of <paramref name="services"/>, starting from the spans of
    /// <paramref name="lastService"/> whose names start with <paramref name="spanPrefix"/>; returns the services of the
    /// most complete trace seen.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForTraceAcrossAsync(
        IReadOnlyCollection<string> services, string lastService, string spanPrefix, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(new Uri(dashboardUrl).GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        var until = DateTime.UtcNow + deadline;
        IReadOnlyList<string> best = [];
        while (DateTime.UtcNow < until)
        {
            var candidates = await SpansAsync(http, $"/api/telemetry/spans?resource={Uri.EscapeDataString(lastService)}&limit=1000", cancellationToken);
            foreach (var traceId in candidates.Where(s => s.Name.StartsWith(spanPrefix, StringComparison.Ordinal)).Select(s => s.TraceId).Distinct().Take(20))
            {
                var trace = await SpansAsync(http, $"/api/telemetry/traces/{traceId}", cancellationToken);
                var seen = trace.Select(s => s.Service).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (seen.Count(services.Contains) > best.Count(services.Contains))
                {
                    best = seen;
                }

                if (services.All(seen.Contains))
                {
                    return seen;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return best;
    }

    private sealed record Span(string Service, string TraceId, string Name);

    private static async Task<IReadOnlyList<Span>> SpansAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var spans = new List<Span>();
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("resourceSpans", out var resourceSpans))
        {
            return spans;
        }

        foreach (var resource in resourceSpans.EnumerateArray())
        {
            var service = ServiceName(resource);
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new Span(service, span.GetProperty("traceId").GetString()!, span.GetProperty("name").GetString()!));
                }
            }
        }

        return spans;
    }

    private static string ServiceName(JsonElement resourceSpan)
    {
        if (resourceSpan.TryGetProperty("resource", out var resource) && resource.TryGetProperty("attributes", out var attributes))
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                if (attribute.GetProperty("key").GetString() == "service.name")
                {
                    return attribute.GetProperty("value").GetProperty("stringValue").GetString()!;
                }
            }
        }

        return string.Empty;
    }
}
