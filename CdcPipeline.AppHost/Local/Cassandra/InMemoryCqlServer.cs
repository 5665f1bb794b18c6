using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// An in-memory server speaking the Cassandra native protocol v4 on 127.0.0.1 (a free port), implementing the CQL
/// the pipeline uses with Cassandra's rules: upserts, tombstones, last write wins per cell by write timestamp,
/// clustering order, paging, prepared statements and batches. Fault hooks let tests break it on purpose.
/// </summary>
internal sealed class InMemoryCqlServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<CqlServerConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, CqlPreparedEntry> _prepared = new(StringComparer.Ordinal);
    private readonly CqlStore _store = new(IPAddress.Loopback);
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;
    private Task _acceptLoop = Task.CompletedTask;
    private int _dropRequests;
    private int _acceptedConnections;
    private long _framesRead;
    private long _optionsAnswered;
    private int _malformedPrefixes;
    private int _crashRequests;
    private int _faultedStatements;
    private int _statementFault;
    private int _preparedGeneration;
    private long _responseDelayTicks;
    private TaskCompletionSource _resumed = CompletedGate();

    private InMemoryCqlServer(string? username, string? password)
    {
        Username = username;
        Password = password;
        Executor = new CqlStatementExecutor(_store, PushSchemaChange);
    }

    public int Port { get; private set; }

    /// <summary>Credentials PasswordAuthenticator checks; null when the server accepts everyone (AllowAllAuthenticator).</summary>
    public string? Username { get; }

    public string? Password { get; }

    /// <summary>The connection string of the <c>cassandra</c> resource form, with credentials when configured.</summary>
    public string ConnectionString =>
        $"Contact Points=127.0.0.1;Port={Port}" + (Username is null ? string.Empty : $";Username={Username};Password={Password}");

    /// <summary>Connections accepted since the start (a reconnect shows up as one more).</summary>
    public int AcceptedConnections => Volatile.Read(ref _acceptedConnections);

    internal TimeSpan? ResponseDelay => Interlocked.Read(ref _responseDelayTicks) is var ticks && ticks > 0 ? TimeSpan.FromTicks(ticks) : null;

    internal CqlStatementExecutor Executor { get; }

    public static InMemoryCqlServer Start(string? username = null, string? password = null)
    {
        var server = new InMemoryCqlServer(username, password);
        server.Listen(0);
        return server;
    }

    /// <summary>Closes every open connection without answering what is pending.</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>The next <paramref name="count"/> requests close their connection instead of being answered.</summary>
    public void DropNextRequests(int count = 1) => Interlocked.Exchange(ref _dropRequests, count);

    /// <summary>Forgets every prepared statement, as a restarted node does: the next EXECUTE gets UNPREPARED.</summary>
    /// <param name="newIds">
    /// Hand out different ids from now on, as a node upgraded to a version that hashes statements differently does
    /// (a restarted node of the same version gives the same ids again: MD5 of keyspace and query text).
    /// A client must then take the id of its re-PREPARE, not keep the old one.
    /// </param>
    public void ForgetPreparedStatements(bool newIds = false)
    {
        if (newIds)
        {
            Interlocked.Increment(ref _preparedGeneration);
        }

        _prepared.Clear();
    }

    /// <summary>
    /// Simulates a hung node: connections stay accepted, but no further request is read or answered until
    /// <see cref="ResumeConnections"/> (new connections are accepted and then ignored the same way).
    /// </summary>
    public void StallConnections()
    {
        lock (_connections)
        {
            if (_resumed.Task.IsCompleted)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends <see cref="StallConnections"/>: stalled connections read and answer again.</summary>
    public void ResumeConnections()
    {
        lock (_connections)
        {
            _resumed.TrySetResult();
        }
    }

    /// <summary>The next response claims a tracing id (flag 0x02) it does not carry, as a broken proxy might send.</summary>
    public void SendMalformedPrefixOnNextResponse() => Interlocked.Exchange(ref _malformedPrefixes, 1);

    /// <summary>The next request fails inside the server with an unexpected exception (a bug, not a CQL error).</summary>
    public void CrashOnNextRequest() => Interlocked.Exchange(ref _crashRequests, 1);

    /// <summary>
    /// The next <paramref name="count"/> statements on user keyspaces (SELECT, INSERT, UPDATE, DELETE, BATCH; the
    /// <c>system*</c> keyspaces, schema statements and USE are local to a node and never fail this way) are answered
    /// with <paramref name="fault"/>; zero ends it. Off until called.
    /// </summary>
    public void FailNextStatements(CqlStatementFault fault, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _statementFault, (int)fault);
        Interlocked.Exchange(ref _faultedStatements, count);
    }

    /// <summary>OPTIONS requests answered (handshakes and heartbeats) since the start.</summary>
    public long OptionsAnswered => Interlocked.Read(ref _optionsAnswered);

    /// <summary>Request frames read from clients since the start.</summary>
    public long FramesRead => Interlocked.Read(ref _framesRead);

    /// <summary>Connections currently open on the server side.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Holds each response to a QUERY / PREPARE / EXECUTE / BATCH this long (zero to stop).</summary>
    public void DelayResponses(TimeSpan delay) => Interlocked.Exchange(ref _responseDelayTicks, delay.Ticks);

    /// <summary>Stops listening and drops every connection; data and the port are kept for <see cref="Restart"/>.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _accepting!.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener = null;
        await _acceptLoop.ConfigureAwait(false);
        _accepting.Dispose();
        foreach (var connection in _connections.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Listens again on the same port after <see cref="StopAsync"/>.</summary>
    public void Restart() => Listen(Port);

    /// <summary>Live rows of a table in clustering order, each as column name → decoded value (null for absent cells).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows(string keyspace, string table)
    {
        lock (_store.Sync)
        {
            var data = _store.FindTable(keyspace, table) ?? throw new InvalidOperationException($"The in-memory CQL server has no table {keyspace}.{table}.");
            return [.. data.Read(null).Select(row => (IReadOnlyDictionary<string, object?>)data.Schema.Columns
                .Select((column, i) => (column.Name, Value: CqlCodec.Deserialize(column.Type, row.Values[i])))
                .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal))];
        }
    }

    public IReadOnlyList<string> Tables(string keyspace)
    {
        lock (_store.Sync)
        {
            return _store.TableNames(keyspace);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    internal bool TakeDropRequest() => TakeOne(ref _dropRequests);

    internal void ThrowIfCrashRequested()
    {
        if (Interlocked.Exchange(ref _crashRequests, 0) == 1)
        {
            throw new InvalidOperationException("injected failure inside the in-memory CQL server");
        }
    }

    /// <summary>The fault for this statement, if one of <see cref="FailNextStatements"/> is left.</summary>
    internal CqlStatementFault? TakeStatementFault() =>
        TakeOne(ref _faultedStatements) ? (CqlStatementFault)Volatile.Read(ref _statementFault) : null;

    internal bool TakeMalformedPrefix() => Interlocked.Exchange(ref _malformedPrefixes, 0) == 1;

    internal void CountOptionsAnswered() => Interlocked.Increment(ref _optionsAnswered);

    internal void CountFrameRead() => Interlocked.Increment(ref _framesRead);

    internal Task WaitWhileStalledAsync(CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            return _resumed.Task.WaitAsync(cancellationToken);
        }
    }

    internal void Forget(CqlServerConnection connection) => _connections.TryRemove(connection, out _);

    internal byte[] Prepare(string query, string? keyspace)
    {
        var statement = CqlParser.Parse(query);
        var (variables, pkIndexes, resultColumns) = Executor.Describe(statement, keyspace);
        var id = MD5.HashData(Encoding.UTF8.GetBytes($"{Volatile.Read(ref _preparedGeneration)}\0{keyspace}\0{query}"));
        _prepared[Convert.ToHexString(id)] = new CqlPreparedEntry(id, query, keyspace, statement, resultColumns.Count > 0);

        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.Prepared);
        writer.WriteShortBytes(id);
        var global = variables.Count > 0 && variables.All(v => v.Keyspace == variables[0].Keyspace && v.Table == variables[0].Table);
        writer.WriteInt(global ? CqlRowsMetadata.GlobalTablesSpecFlag : 0);
        writer.WriteInt(variables.Count);
        writer.WriteInt(pkIndexes.Count);
        foreach (var index in pkIndexes)
        {
            writer.WriteShort((ushort)index);
        }

        CqlRowsMetadata.WriteColumnSpecs(writer, variables, global);
        if (resultColumns.Count == 0)
        {
            writer.WriteInt(CqlRowsMetadata.NoMetadataFlag);
            writer.WriteInt(0);
        }
        else
        {
            CqlRowsMetadata.Write(writer, resultColumns, pagingState: null, noMetadata: false);
        }

        return writer.ToArray();
    }

    internal CqlPreparedEntry FindPrepared(byte[] id) =>
        _prepared.TryGetValue(Convert.ToHexString(id), out var entry)
            ? entry
            : throw new CqlServerException(
                CqlErrorCode.Unprepared,
                $"Prepared query with ID {Convert.ToHexString(id).ToLowerInvariant()} not found (either the query was not prepared on this host " +
                "(maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)",
                writer => writer.WriteShortBytes(id));

    private void PushSchemaChange(CqlSchemaChange change)
    {
        foreach (var connection in _connections.Keys)
        {
            connection.PushSchemaChange(change);
        }
    }

    /// <summary>Takes one of the <paramref name="remaining"/> injected faults; false when none is left.</summary>
    private static bool TakeOne(ref int remaining)
    {
        while (true)
        {
            var count = Volatile.Read(ref remaining);
            if (count <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref remaining, count - 1, count) == count)
            {
                return true;
            }
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        lock (_store.Sync)
        {
            _store.SetNativePort(Port);
        }

        _listener = listener;
        _accepting = new CancellationTokenSource();
        var token = _accepting.Token;
        _acceptLoop = Task.Run(() => AcceptAsync(listener, token));
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _acceptedConnections);
            var connection = new CqlServerConnection(this, client);
            _connections[connection] = 0;
            connection.Start();
        }
    }
}
