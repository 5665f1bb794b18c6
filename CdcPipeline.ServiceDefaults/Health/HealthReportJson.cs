using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.ServiceDefaults.Health;

/// <summary>
/// The body of <c>/health</c> and <c>/alive</c>: the overall status and, per check, its name, status, description
/// (the reason it gives, or the message of the exception it threw) and data, e.g.
/// <c>{"status":"Unhealthy","checks":[{"name":"kafka-consumer-kafka","status":"Unhealthy","description":"..."}]}</c>.
/// The status code stays the framework's (200, or 503 when unhealthy), which the AppHost's health checks read.
/// </summary>
internal static class HealthReportJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = ContentType;
        return context.Response.Body.WriteAsync(Serialize(report), context.RequestAborted).AsTask();
    }

    public static ReadOnlyMemory<byte> Serialize(HealthReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                if ((entry.Description ?? entry.Exception?.Message) is { } description)
                {
                    json.WriteString("description", description);
                }

                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                    {
                        json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
