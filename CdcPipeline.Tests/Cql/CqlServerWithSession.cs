using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

/// <summary>A fresh CQL test server and a session connected to it, with a keyspace and generous timeouts for a loaded machine.</summary>
internal sealed class CqlServerWithSession : IAsyncDisposable
{
    private CqlServerWithSession(InMemoryCqlServer server, CqlSession session)
    {
        Server = server;
        Session = session;
    }

    public InMemoryCqlServer Server { get; }

    public CqlSession Session { get; }

    public static async Task<CqlServerWithSession> StartAsync(
        string keyspace = "cdc_test", Action<CassandraClientSettings>? configure = null, CassandraTelemetry? telemetry = null)
    {
        var server = InMemoryCqlServer.Start();
        var session = new CqlSession(Settings(server, configure), telemetry: telemetry);
        await session.ExecuteAsync($"CREATE KEYSPACE {keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}");
        await session.ExecuteAsync($"USE {keyspace}");
        return new CqlServerWithSession(server, session);
    }

    public static CassandraClientSettings Settings(InMemoryCqlServer server, Action<CassandraClientSettings>? configure = null)
    {
        var settings = new CassandraClientSettings
        {
            ConnectionString = server.ConnectionString,
            RequestTimeout = TimeSpan.FromSeconds(30),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(50),
        };
        settings.ApplyConnectionString();
        configure?.Invoke(settings);
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await Server.DisposeAsync();
    }
}
