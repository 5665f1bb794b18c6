using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.Cql;

public class CassandraRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Session_is_registered_from_the_connection_string_and_reports_healthy()
    {
        await using var server = InMemoryCqlServer.Start("cdc", "s3cret");
        using var host = BuildHost(new() { ["ConnectionStrings:cassandra"] = server.ConnectionString });

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        var session = host.Services.GetRequiredService<CqlSession>();

        Assert.Equal(HealthStatus.Healthy, health.Entries["cassandra-cassandra"].Status);
        Assert.Equal("Cassandra 4.1.5 answers.", health.Entries["cassandra-cassandra"].Description);
        Assert.Same(session, host.Services.GetRequiredService<CqlSession>());
        await session.DisposeAsync();
    }

    [Fact]
    public async Task Service_starts_without_cassandra_and_reports_unhealthy_with_the_reason()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var host = BuildHost(new()
        {
            ["ConnectionStrings:cassandra"] = $"Contact Points=127.0.0.1;Port={port}",
            ["Aspire:Cassandra:Client:ReconnectAttempts"] = "1",
            ["Aspire:Cassandra:Client:ReconnectBaseDelay"] = "00:00:00.010",
        });

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        var entry = health.Entries["cassandra-cassandra"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith($"Could not connect to Cassandra at 127.0.0.1:{port}", entry.Description, StringComparison.Ordinal);
        await host.Services.GetRequiredService<CqlSession>().DisposeAsync();
    }

    [Fact]
    public void Settings_come_from_configuration_then_the_connection_string_then_the_delegate()
    {
        using var host = BuildHost(
            new()
            {
                ["Aspire:Cassandra:Client:RequestTimeout"] = "00:00:07",
                ["Aspire:Cassandra:Client:DefaultConsistency"] = "Quorum",
                ["Aspire:Cassandra:Client:Keyspace"] = "from_config",
                ["ConnectionStrings:cassandra"] = "Contact Points=cass-a, cass-b;Port=19042;Username=cdc;Password=pw;Keyspace=cdc_keyspace",
            },
            s => s.DisableHealthChecks = true);

        var settings = host.Services.GetRequiredService<CassandraClientSettings>();

        Assert.Equal(["cass-a", "cass-b"], settings.ContactPoints);
        Assert.Equal(19042, settings.Port);
        Assert.Equal(("cdc", "pw"), (settings.Username, settings.Password));
        Assert.Equal("cdc_keyspace", settings.Keyspace);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.RequestTimeout);
        Assert.Equal(CqlConsistency.Quorum, settings.DefaultConsistency);
        Assert.Empty(host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
    }

    [Fact]
    public void Port_set_by_the_delegate_wins_over_the_connection_string()
    {
        using var host = BuildHost(
            new() { ["ConnectionStrings:cassandra"] = "Contact Points=cass-a;Port=19042;Keyspace=from_connection_string" },
            s =>
            {
                s.Port = 29042;
                s.DisableHealthChecks = true;
            });

        var settings = host.Services.GetRequiredService<CassandraClientSettings>();

        Assert.Equal(29042, settings.Port);
        Assert.Equal(["cass-a"], settings.ContactPoints);
        Assert.Equal("from_connection_string", settings.Keyspace);
    }

    [Theory]
    [InlineData(null, "ConnectionStrings:cassandra is not set (Cassandra client 'cassandra' has no contact points): expected Contact Points=host[,host];Port=9042")]
    [InlineData("Contact Points=h;Port=0", "Cassandra client 'cassandra' has Port=0; it must be between 1 and 65535.")]
    [InlineData("Contact Points=h;Port=x", "ConnectionStrings:cassandra is not valid (Port=x is not a port number): expected Contact Points=host[,host];Port=9042")]
    [InlineData("Contact Points=h;Username=cdc", "Cassandra client 'cassandra' has a Username without a Password: set both or neither.")]
    [InlineData("Contact Points=h;Colour=blue", "ConnectionStrings:cassandra is not valid (unknown key 'colour'): expected Contact Points=host[,host];Port=9042")]
    [InlineData("localhost:9042", "ConnectionStrings:cassandra is not valid (it is not a list of key=value pairs separated by ';'): expected Contact Points=host[,host];Port=9042")]
    public void Invalid_settings_stop_the_registration_with_a_message_naming_the_setting(string? connectionString, string expected)
    {
        var values = new Dictionary<string, string?>();
        if (connectionString is not null)
        {
            values["ConnectionStrings:cassandra"] = connectionString;
        }

        var error = Assert.Throws<InvalidSettingException>(() => BuildHost(values));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string?> configuration, Action<CassandraClientSettings>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddLogging();
        builder.AddCassandraSession("cassandra", configure);
        return builder.Build();
    }
}
