using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

public class CqlSessionResilienceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_on_a_connection_the_server_drops_fails_fast_and_the_next_request_reconnects()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s => s.RequestTimeout = TimeSpan.FromMinutes(2));
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        cql.Server.DropNextRequests(1);

        var error = await Assert.ThrowsAsync<CqlConnectionException>(() => cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'lost')"));

        Assert.Contains($"Cassandra at 127.0.0.1:{cql.Server.Port}", error.Message, StringComparison.Ordinal);
        await cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (2, 'after reconnect')");
        Assert.Equal(["after reconnect"], cql.Server.Rows("cdc_test", "t").Select(r => (string)r["v"]!));
        Assert.Equal(2, cql.Server.AcceptedConnections);
    }

    [Fact]
    public async Task All_pending_requests_fail_when_the_connection_drops()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s => s.RequestTimeout = TimeSpan.FromMinutes(2));
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        cql.Server.DelayResponses(TimeSpan.FromMinutes(5));
        var pending = Enumerable.Range(0, 20).Select(i => cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (?, 'x')", i)).ToList();
        await WaitUntilAsync(() => cql.Server.Rows("cdc_test", "t").Count == 20);

        cql.Server.DropConnections();

        foreach (var request in pending)
        {
            await Assert.ThrowsAsync<CqlConnectionException>(() => request);
        }

        cql.Server.DelayResponses(TimeSpan.Zero);
        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM t WHERE id = 3")).CurrentPage);
    }

    [Fact]
    public async Task Request_without_an_answer_times_out_with_a_clear_message_and_the_connection_stays_usable()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        cql.Server.DelayResponses(TimeSpan.FromSeconds(3));

        var error = await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => cql.Session.ExecuteAsync(
            CqlStatement.Simple("SELECT * FROM system.local"), new CqlQueryOptions { Timeout = TimeSpan.FromMilliseconds(200) }, Ct));

        Assert.Equal($"Cassandra at 127.0.0.1:{cql.Server.Port} did not answer a QUERY request within 200 ms.", error.Message);
        cql.Server.DelayResponses(TimeSpan.Zero);
        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM system.local")).CurrentPage);
        Assert.Equal(1, cql.Server.AcceptedConnections);
    }

    [Fact]
    public async Task Heartbeat_after_a_timeout_is_answered_despite_slow_queries_so_the_connection_is_kept()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s => s.ConnectTimeout = TimeSpan.FromSeconds(3));
        var optionsBefore = cql.Server.OptionsAnswered;
        cql.Server.DelayResponses(TimeSpan.FromSeconds(15));

        await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => cql.Session.ExecuteAsync(
            CqlStatement.Simple("SELECT * FROM system.local"), new CqlQueryOptions { Timeout = TimeSpan.FromMilliseconds(200) }, Ct));
        await WaitUntilAsync(() => cql.Server.OptionsAnswered > optionsBefore);
        cql.Server.DelayResponses(TimeSpan.Zero);

        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM system.local")).CurrentPage);
        Assert.Equal(1, cql.Server.AcceptedConnections);
    }

    [Fact]
    public async Task Session_reconnects_with_backoff_after_the_server_comes_back_on_the_same_port()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s =>
        {
            s.ReconnectAttempts = 2;
            s.ConnectTimeout = TimeSpan.FromSeconds(5);
        });
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        var insert = await cql.Session.PrepareAsync("INSERT INTO t (id, v) VALUES (?, ?)", Ct);
        await cql.Session.ExecuteAsync(insert, 1, "before");

        await cql.Server.StopAsync();
        var lost = await Assert.ThrowsAsync<CqlConnectionException>(() => cql.Session.ExecuteAsync(insert, 2, "while down"));
        var down = await Assert.ThrowsAsync<CqlConnectionException>(() => cql.Session.ExecuteAsync(insert, 2, "while down"));
        cql.Server.Restart();
        cql.Server.ForgetPreparedStatements();
        await cql.Session.ExecuteAsync(insert, 3, "after restart");

        Assert.Contains($"Cassandra at 127.0.0.1:{cql.Server.Port}", lost.Message, StringComparison.Ordinal);
        Assert.Contains($"Could not connect to Cassandra at 127.0.0.1:{cql.Server.Port}", down.Message, StringComparison.Ordinal);
        Assert.Equal(["after restart", "before"], cql.Server.Rows("cdc_test", "t").Select(r => (string)r["v"]!).Order());
    }

    [Fact]
    public async Task Session_for_an_absent_server_fails_with_a_connection_error()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var session = new CqlSession(new CassandraClientSettings
        {
            ContactPoints = ["127.0.0.1"],
            Port = port,
            ReconnectAttempts = 1,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
        });

        var error = await Assert.ThrowsAsync<CqlConnectionException>(() => session.ExecuteAsync("SELECT * FROM system.local"));

        Assert.StartsWith($"Could not connect to Cassandra at 127.0.0.1:{port}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_contact_point_is_skipped_for_the_next_one()
    {
        await using var server = InMemoryCqlServer.Start();
        await using var session = new CqlSession(CqlServerWithSession.Settings(server, s => s.ContactPoints = ["127.0.0.2", "127.0.0.1"]));

        var rows = await session.QueryAsync("SELECT release_version FROM system.local");

        Assert.Equal("4.1.5", rows.CurrentPage[0].Get<string>(0));
    }

    [Fact]
    public async Task Stalled_server_fails_requests_with_a_timeout_and_the_session_reconnects_after_it_recovers()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s =>
        {
            s.ConnectTimeout = TimeSpan.FromSeconds(2);
            s.ReconnectAttempts = 1;
        });
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        var shortTimeout = new CqlQueryOptions { Timeout = TimeSpan.FromMilliseconds(300) };
        cql.Server.StallConnections();

        var error = await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => cql.Session
            .ExecuteAsync(CqlStatement.Simple("INSERT INTO t (id, v) VALUES (1, 'stalled')"), shortTimeout, Ct)
            .WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal($"Cassandra at 127.0.0.1:{cql.Server.Port} did not answer a QUERY request within 300 ms.", error.Message);

        // The heartbeat after the timeout finds the connection dead, so a later request opens a new one.
        await RetryUntilAsync(() => cql.Server.AcceptedConnections >= 2, () => cql.Session.ExecuteAsync(CqlStatement.Simple("SELECT * FROM t"), shortTimeout, Ct));
        cql.Server.ResumeConnections();
        await RetryUntilAsync(() => cql.Server.Rows("cdc_test", "t").Any(r => (int)r["id"]! == 2), () => cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (2, 'recovered')"));

        Assert.Equal("recovered", (await cql.Session.QueryAsync("SELECT v FROM t WHERE id = 2")).CurrentPage[0].Get<string>(0));
    }

    [Fact]
    public async Task Request_whose_write_stalls_times_out_and_closes_the_connection()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE big (id int PRIMARY KEY, data blob)");
        var framesBefore = cql.Server.FramesRead;
        cql.Server.StallConnections();
        var held = cql.Session.ExecuteAsync("INSERT INTO big (id, data) VALUES (1, 0x00)");
        await WaitUntilAsync(() => cql.Server.FramesRead > framesBefore);

        // Far more than the loopback socket buffers take while the server reads nothing.
        var error = await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => cql.Session
            .ExecuteAsync(CqlStatement.Simple("INSERT INTO big (id, data) VALUES (?, ?)", 2, new byte[48 * 1024 * 1024]), new CqlQueryOptions { Timeout = TimeSpan.FromSeconds(1) }, Ct)
            .WaitAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.EndsWith("within 1000 ms (the request could not be written).", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CqlConnectionException>(() => held.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        cql.Server.ResumeConnections();
        await cql.Session.ExecuteAsync("INSERT INTO big (id, data) VALUES (3, 0x01)");
        Assert.Contains(cql.Server.Rows("cdc_test", "big"), r => (int)r["id"]! == 3);
    }

    [Fact]
    public async Task Response_whose_prefix_does_not_parse_fails_its_request_and_the_connection_goes_on()
    {
        await using var cql = await CqlServerWithSession.StartAsync(configure: s => s.RequestTimeout = TimeSpan.FromMinutes(2));
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        cql.Server.SendMalformedPrefixOnNextResponse();

        var error = await Assert.ThrowsAsync<CqlException>(() => cql.Session
            .ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'x')")
            .WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.StartsWith($"Cassandra at 127.0.0.1:{cql.Server.Port} sent a RESULT response (flags 0x02) whose tracing id", error.Message, StringComparison.Ordinal);
        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM t WHERE id = 1")).CurrentPage);
        Assert.Equal(1, cql.Server.AcceptedConnections);
    }

    [Fact]
    public async Task Disposing_the_session_while_it_connects_leaves_no_connection_open()
    {
        await using var server = InMemoryCqlServer.Start();
        server.StallConnections();
        var session = new CqlSession(CqlServerWithSession.Settings(server, s => s.ConnectTimeout = TimeSpan.FromSeconds(30)));
        var connecting = session.ConnectAsync(Ct);
        await WaitUntilAsync(() => server.AcceptedConnections == 1);

        await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        server.ResumeConnections();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await WaitUntilAsync(() => server.OpenConnections == 0);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.ExecuteAsync("SELECT * FROM system.local"));
    }

    [Fact]
    public async Task Concurrent_requests_share_one_connect_attempt_cycle()
    {
        await using var server = InMemoryCqlServer.Start();
        server.StallConnections();
        await using var session = new CqlSession(CqlServerWithSession.Settings(server, s =>
        {
            s.ConnectTimeout = TimeSpan.FromMilliseconds(300);
            s.ReconnectAttempts = 1;
        }));

        var requests = Enumerable.Range(0, 5).Select(_ => session.ExecuteAsync("SELECT * FROM system.local")).ToList();
        foreach (var request in requests)
        {
            await Assert.ThrowsAsync<CqlConnectionException>(() => request.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        }

        await WaitUntilAsync(() => server.AcceptedConnections >= 2);

        // One attempt and one retry for all five callers, not five cycles one after another.
        Assert.Equal(2, server.AcceptedConnections);
        server.ResumeConnections();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static async Task RetryUntilAsync(Func<bool> condition, Func<Task> attempt)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            deadline.Token.ThrowIfCancellationRequested();
            try
            {
                await attempt();
            }
            catch (CqlException)
            {
                // Timeouts and connection errors are expected until the condition holds.
            }
        }
    }
}
