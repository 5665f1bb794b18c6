using CdcPipeline.CassandraSink;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.CassandraSink;

public class SinkSettingsTests
{
    [Fact]
    public void Defaults_read_the_cdc_topics_into_cdc_keyspace()
    {
        var options = new SinkOptions();

        Assert.Equal(["cdc.public.users", "cdc.public.orders"], options.Topics);
        Assert.Equal("cdc_keyspace", options.Keyspace);
        Assert.True(new SinkOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("TopicPrefix", "", "CassandraSink:TopicPrefix")]
    [InlineData("Keyspace", "cdc-keyspace", "CassandraSink:Keyspace")]
    [InlineData("BatchSize", "0", "CassandraSink:BatchSize")]
    [InlineData("DecimalScales:orders.total_amount", "40", "CassandraSink:DecimalScales:orders.total_amount")]
    public async Task Wrong_setting_stops_the_sink_on_start_naming_the_setting(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = "127.0.0.1:9",
            ["ConnectionStrings:cassandra"] = "Contact Points=127.0.0.1;Port=9",
            [$"CassandraSink:{key}"] = value,
        });
        builder.AddApplicationServices();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_or_overloaded_cassandra_is_waited_out_but_a_refused_statement_is_not()
    {
        Assert.True(CassandraFailures.IsTransient(new CqlConnectionException("connection refused")));
        Assert.True(CassandraFailures.IsTransient(new CqlRequestTimeoutException("no answer in 5 s")));
        Assert.True(CassandraFailures.IsTransient(new CqlServerException(CqlErrorCode.Unavailable, "not enough replicas")));
        Assert.False(CassandraFailures.IsTransient(new CqlServerException(CqlErrorCode.Invalid, "unconfigured table users")));
        Assert.False(CassandraFailures.IsTransient(new ArgumentException("bug")));
    }
}
