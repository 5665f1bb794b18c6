namespace CdcPipeline.AppHost.Debezium;

/// <summary>HTTP clients for a worker's REST API, addressed through its allocated host endpoint.</summary>
internal static class KafkaConnectHttp
{
    public const string HttpClientName = "kafka-connect";

    public static HttpClient CreateClient(IHttpClientFactory factory, DebeziumConnectResource connect)
    {
        var http = factory.CreateClient(HttpClientName);
        http.BaseAddress = new Uri(connect.HttpEndpoint.Url.TrimEnd('/') + "/");
        http.Timeout = TimeSpan.FromSeconds(15);
        return http;
    }
}
