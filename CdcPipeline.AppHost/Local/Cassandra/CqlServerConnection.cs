using System.Net.Sockets;
using System.Text;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// One client connection of the in-memory CQL server: the STARTUP / authentication handshake in order, then requests
/// handled concurrently and answered on their stream ids, as a Cassandra node does.
/// </summary>
internal sealed class CqlServerConnection : IAsyncDisposable
{
    public const string Authenticator = "org.apache.cassandra.auth.PasswordAuthenticator";

    private readonly InMemoryCqlServer _server;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly List<Task> _inFlight = [];
    private Task _loop = Task.CompletedTask;
    private bool _started;
    private bool _ready;
    private volatile bool _schemaEvents;
    private volatile string? _keyspace;

    public CqlServerConnection(InMemoryCqlServer server, TcpClient client)
    {
        _server = server;
        _client = client;
        _client.NoDelay = true;
        _stream = client.GetStream();
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Closes the socket at once, without answering pending requests.</summary>
    public void Abort()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed and disposed.
        }

        _client.Dispose();
    }

    /// <summary>Sends a SCHEMA_CHANGE event when the client registered for them, as a node tells every registered client.</summary>
    public void PushSchemaChange(CqlSchemaChange change)
    {
        if (!_schemaEvents)
        {
            return;
        }

        var writer = new CqlWriter();
        writer.WriteString("SCHEMA_CHANGE");
        CqlStatementExecutor.WriteSchemaChange(writer, change.ChangeType, change.Target, change.Keyspace, change.Name);
        var body = writer.ToArray();
        Track(Task.Run(() => PushEventAsync(body)));
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await _loop.ConfigureAwait(false);
        Task[] inFlight;
        lock (_inFlight)
        {
            inFlight = [.. _inFlight];
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                await _server.WaitWhileStalledAsync(_closing.Token).ConfigureAwait(false);
                var frame = await CqlFrame.ReadAsync(_stream, _closing.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    return;
                }

                // A frame read just as the server stalled is held too, and nothing after it is read.
                _server.CountFrameRead();
                await _server.WaitWhileStalledAsync(_closing.Token).ConfigureAwait(false);

                if ((frame.Version & 0x7F) != CqlFrame.ProtocolVersion)
                {
                    var error = CqlServerException.Protocol(
                        $"Invalid or unsupported protocol version ({frame.Version & 0x7F}); supported versions are (4/v4)");
                    await WriteAsync(frame.Stream, CqlOpcode.Error, error.ToErrorBody()).ConfigureAwait(false);
                    return;
                }

                if (_server.TakeDropRequest())
                {
                    return;
                }

                if (frame.Opcode is CqlOpcode.Query or CqlOpcode.Prepare or CqlOpcode.Execute or CqlOpcode.Batch && _ready)
                {
                    Track(Task.Run(() => AnswerAsync(frame)));
                }
                else
                {
                    await AnswerAsync(frame).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away or the server dropped the connection: nothing to answer.
        }
        finally
        {
            _client.Dispose();
            _server.Forget(this);
        }
    }

    private void Track(Task task)
    {
        lock (_inFlight)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(task);
        }
    }

    private async Task PushEventAsync(byte[] body)
    {
        try
        {
            await _server.WaitWhileStalledAsync(_closing.Token).ConfigureAwait(false);
            await WriteAsync(-1, CqlOpcode.Event, body).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort();
        }
    }

    private async Task AnswerAsync(CqlFrame frame)
    {
        CqlOpcode opcode;
        byte[] body;
        try
        {
            (opcode, body) = Handle(frame);
        }
        catch (CqlServerException error)
        {
            (opcode, body) = (CqlOpcode.Error, error.ToErrorBody());
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException or NotSupportedException or OverflowException)
        {
            (opcode, body) = (CqlOpcode.Error, CqlServerException.Protocol($"Invalid message: {exception.Message}").ToErrorBody());
        }
        catch (Exception exception)
        {
            // Like a Cassandra node, every request gets an answer: an unexpected failure is a Server_error.
            (opcode, body) = (CqlOpcode.Error, new CqlServerException(CqlErrorCode.ServerError, $"{exception.GetType().Name}: {exception.Message}").ToErrorBody());
        }

        if (_ready && frame.Opcode is CqlOpcode.Query or CqlOpcode.Prepare or CqlOpcode.Execute or CqlOpcode.Batch
            && _server.ResponseDelay is { } delay && delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, _closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        try
        {
            await _server.WaitWhileStalledAsync(_closing.Token).ConfigureAwait(false);
            await WriteAsync(frame.Stream, opcode, body).ConfigureAwait(false);
            if (frame.Opcode == CqlOpcode.Options)
            {
                _server.CountOptionsAnswered();
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort();
        }
    }

    private (CqlOpcode Opcode, byte[] Body) Handle(CqlFrame frame)
    {
        if (_ready)
        {
            _server.ThrowIfCrashRequested();
        }

        var reader = new CqlReader(frame.Body);
        switch (frame.Opcode)
        {
            case CqlOpcode.Options:
                return (CqlOpcode.Supported, Supported());
            case CqlOpcode.Startup:
                var options = reader.ReadStringMap();
                if (!options.ContainsKey("CQL_VERSION"))
                {
                    throw CqlServerException.Protocol("Missing value CQL_VERSION in STARTUP message");
                }

                if (options.TryGetValue("COMPRESSION", out var compression))
                {
                    throw CqlServerException.Protocol($"Unknown compression algorithm: {compression}");
                }

                _started = true;
                if (_server.Username is null)
                {
                    _ready = true;
                    return (CqlOpcode.Ready, []);
                }

                var authenticate = new CqlWriter();
                authenticate.WriteString(Authenticator);
                return (CqlOpcode.Authenticate, authenticate.ToArray());
            case CqlOpcode.AuthResponse when _started:
                return Authenticate(reader.ReadBytes() ?? []);
            case CqlOpcode.Register when _ready:
                if (reader.ReadStringList().Contains("SCHEMA_CHANGE"))
                {
                    _schemaEvents = true;
                }

                return (CqlOpcode.Ready, []);
            case CqlOpcode.Query when _ready:
                var query = CqlParser.Parse(reader.ReadLongString());
                var queryContext = ReadParameters(reader, _keyspace);
                return (CqlOpcode.Result, WithInjectedFault(query, queryContext.Keyspace, queryContext.Consistency, () => Run(query, queryContext)));
            case CqlOpcode.Prepare when _ready:
                return (CqlOpcode.Result, _server.Prepare(reader.ReadLongString(), _keyspace));
            case CqlOpcode.Execute when _ready:
                var entry = _server.FindPrepared(reader.ReadShortBytes());
                var keyspace = entry.Keyspace ?? _keyspace;
                var context = ReadParameters(reader, keyspace);
                return (CqlOpcode.Result, WithInjectedFault(entry.Statement, keyspace, context.Consistency, () => Run(entry.Statement, context)));
            case CqlOpcode.Batch when _ready:
                return (CqlOpcode.Result, Batch(reader));
            default:
                throw CqlServerException.Protocol(_started && !_ready
                    ? $"Unexpected message {frame.Opcode}, expecting AUTH_RESPONSE"
                    : $"Unexpected message {frame.Opcode}, expecting STARTUP or OPTIONS");
        }
    }

    private byte[] Run(CqlParsedStatement statement, CqlRequestContext context)
    {
        var (result, newKeyspace) = _server.Executor.Execute(statement, context);
        _keyspace = newKeyspace ?? _keyspace;
        return result;
    }

    /// <summary>
    /// Runs a statement, unless <see cref="InMemoryCqlServer.FailNextStatements"/> has a fault left for it: only
    /// reads and writes of user keyspaces fail, as only they wait for replicas on a real node.
    /// </summary>
    private byte[] WithInjectedFault(CqlParsedStatement? statement, string? keyspace, CqlConsistency consistency, Func<byte[]> run, string writeType = "SIMPLE")
    {
        var target = statement switch
        {
            SelectStatement select => select.Name.Keyspace ?? keyspace,
            CqlModificationStatement modification => modification.Name.Keyspace ?? keyspace,
            BatchTextStatement batch => batch.Statements.Select(s => s.Name.Keyspace).FirstOrDefault(k => k is not null) ?? keyspace,
            _ => null,
        };
        if (target is null || target.StartsWith(CqlSystemKeyspaces.System, StringComparison.Ordinal) || _server.TakeStatementFault() is not { } fault)
        {
            return run();
        }

        if (fault == CqlStatementFault.Overloaded)
        {
            throw CqlServerException.Overloaded();
        }

        run();
        throw statement is SelectStatement
            ? CqlServerException.ReadTimeout(consistency)
            : CqlServerException.WriteTimeout(consistency, statement is BatchTextStatement batchText ? BatchWriteType(batchText.Type) : writeType);
    }

    private static string BatchWriteType(CqlBatchType type) => type switch
    {
        CqlBatchType.Logged => "BATCH",
        CqlBatchType.Counter => "COUNTER",
        _ => "UNLOGGED_BATCH",
    };

    private (CqlOpcode, byte[]) Authenticate(byte[] token)
    {
        var parts = Encoding.UTF8.GetString(token).Split('\0');
        var user = parts.Length == 3 ? parts[1] : string.Empty;
        if (parts.Length == 3 && user == _server.Username && parts[2] == _server.Password)
        {
            _ready = true;
            var success = new CqlWriter();
            success.WriteNullBytes();
            return (CqlOpcode.AuthSuccess, success.ToArray());
        }

        throw new CqlServerException(CqlErrorCode.AuthenticationError, $"Provided username {user} and/or password are incorrect");
    }

    private byte[] Batch(CqlReader reader)
    {
        var type = (CqlBatchType)reader.ReadByte();
        var count = reader.ReadShort();
        var children = new List<(CqlParsedStatement, string?, IReadOnlyList<CqlValue>)>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = reader.ReadByte();
            CqlParsedStatement statement;
            string? keyspace = _keyspace;
            if (kind == 0)
            {
                statement = CqlParser.Parse(reader.ReadLongString());
            }
            else
            {
                var entry = _server.FindPrepared(reader.ReadShortBytes());
                statement = entry.Statement;
                keyspace = entry.Keyspace ?? _keyspace;
            }

            var values = new List<CqlValue>();
            var valueCount = reader.ReadShort();
            for (var v = 0; v < valueCount; v++)
            {
                values.Add(reader.ReadValue());
            }

            children.Add((statement, keyspace, values));
        }

        var consistency = (CqlConsistency)reader.ReadShort();
        var flags = reader.ReadByte();
        if ((flags & CqlQueryParameters.NamesForValuesFlag) != 0)
        {
            throw CqlServerException.Protocol("Named values in BATCH are not supported by the in-memory CQL server");
        }

        if ((flags & CqlQueryParameters.SerialConsistencyFlag) != 0)
        {
            reader.ReadShort();
        }

        long? timestamp = (flags & CqlQueryParameters.DefaultTimestampFlag) != 0 ? reader.ReadLong() : null;
        // A batch fails (or not) as a whole; its first statement tells the keyspace.
        var first = children.Count > 0 ? children[0] : default;
        return WithInjectedFault(
            first.Item1,
            first.Item2,
            consistency,
            () => _server.Executor.ExecuteBatch([.. children.Select(c => (c.Item1, new CqlRequestContext(c.Item2, c.Item3)))], timestamp),
            BatchWriteType(type));
    }

    private static CqlRequestContext ReadParameters(CqlReader reader, string? keyspace)
    {
        var consistency = (CqlConsistency)reader.ReadShort();
        var flags = reader.ReadByte();
        if ((flags & CqlQueryParameters.NamesForValuesFlag) != 0)
        {
            throw CqlServerException.Protocol("Named values are not supported by the in-memory CQL server");
        }

        var values = new List<CqlValue>();
        if ((flags & CqlQueryParameters.ValuesFlag) != 0)
        {
            var count = reader.ReadShort();
            for (var i = 0; i < count; i++)
            {
                values.Add(reader.ReadValue());
            }
        }

        var pageSize = (flags & CqlQueryParameters.PageSizeFlag) != 0 ? reader.ReadInt() : 0;
        var pagingState = (flags & CqlQueryParameters.PagingStateFlag) != 0 ? reader.ReadBytes() : null;
        if ((flags & CqlQueryParameters.SerialConsistencyFlag) != 0)
        {
            reader.ReadShort();
        }

        long? timestamp = (flags & CqlQueryParameters.DefaultTimestampFlag) != 0 ? reader.ReadLong() : null;
        return new CqlRequestContext(keyspace, values, timestamp, pageSize, pagingState, (flags & CqlQueryParameters.SkipMetadataFlag) != 0, consistency);
    }

    private static byte[] Supported()
    {
        var writer = new CqlWriter();
        writer.WriteStringMultimap(new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["CQL_VERSION"] = ["3.4.6"],
            ["COMPRESSION"] = [],
            ["PROTOCOL_VERSIONS"] = ["4/v4"],
        });
        return writer.ToArray();
    }

    private async Task WriteAsync(short stream, CqlOpcode opcode, byte[] body)
    {
        var flags = _ready && opcode != CqlOpcode.Event && _server.TakeMalformedPrefix() ? CqlFrame.TracingFlag : (byte)0;
        var bytes = new CqlFrame(CqlFrame.ResponseBit | CqlFrame.ProtocolVersion, flags, stream, opcode, body).ToBytes();
        await _writeLock.WaitAsync(_closing.Token).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, _closing.Token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
