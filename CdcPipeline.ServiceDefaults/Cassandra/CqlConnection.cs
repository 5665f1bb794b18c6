using System.Collections.Concurrent;
using System.Net.Sockets;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// One TCP connection speaking protocol v4: requests are multiplexed by stream id (up to 32768 in flight),
/// written under a lock, and a reader loop hands each response to the request waiting on its stream.
/// When the connection breaks every pending request fails at once with a <see cref="CqlConnectionException"/>.
/// A stalled peer is detected too: after a request times out an OPTIONS heartbeat must be answered within the
/// connect timeout, or the connection is closed (as it is when a write cannot finish in time); TCP keepalive is on.
/// </summary>
internal sealed class CqlConnection : IAsyncDisposable
{
    private const int MaxStreams = 32768;

    /// <summary>Timed-out requests whose stream ids are still reserved; past this many the connection is closed.</summary>
    private const int MaxOrphanedStreams = 1024;

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CqlStreamIds _streamIds = new(MaxStreams);
    private readonly ConcurrentDictionary<short, TaskCompletionSource<CqlFrame>> _pending = new();
    private readonly ConcurrentDictionary<short, byte> _orphaned = new();
    private readonly TimeSpan _heartbeatTimeout;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private int _heartbeatRunning;
    private volatile Exception? _closeReason;

    private CqlConnection(TcpClient client, string endpoint, TimeSpan heartbeatTimeout)
    {
        _client = client;
        _heartbeatTimeout = heartbeatTimeout;
        _stream = client.GetStream();
        Endpoint = endpoint;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public string Endpoint { get; }

    public bool IsOpen => _closeReason is null;

    /// <summary>Stream ids held by requests that timed out and whose response has not arrived yet.</summary>
    internal int OrphanedStreams => _orphaned.Count;

    /// <summary>Connects, negotiates STARTUP (and PasswordAuthenticator when the server asks) and switches to the keyspace.</summary>
    public static async Task<CqlConnection> OpenAsync(
        string host, int port, string? username, string? password, string? keyspace, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var endpoint = $"{host}:{port}";
        var client = new TcpClient { NoDelay = true };
        EnableKeepAlive(client.Client);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            client.Dispose();
            var reason = exception is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : exception.Message;
            throw new CqlConnectionException($"Could not connect to Cassandra at {endpoint}: {reason}.", exception);
        }

        var connection = new CqlConnection(client, endpoint, heartbeatTimeout: timeout);
        try
        {
            await CqlHandshake.RunAsync(connection, username, password, timeout, timeoutSource.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(keyspace))
            {
                var use = CqlRequests.Query($"USE \"{keyspace.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", new CqlQueryParameters(CqlConsistency.One, []));
                await connection.SendAsync(CqlOpcode.Query, use, timeout, timeoutSource.Token).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception exception) when (exception is CqlRequestTimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new CqlConnectionException(
                $"Cassandra at {endpoint} accepted the connection but did not complete STARTUP within {timeout.TotalSeconds:0.#} s.", exception);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends one request and waits for its response; an ERROR response is thrown as <see cref="CqlServerException"/>.
    /// The timeout covers the whole request: waiting for a stream id, for the write lock, the write and the response.
    /// </summary>
    public async Task<CqlFrame> SendAsync(CqlOpcode opcode, byte[] body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _streamIds.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(opcode, timeout, "every stream id was in use");
        }

        var streamId = _streamIds.Rent();
        var completion = new TaskCompletionSource<CqlFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[streamId] = completion;
        if (_closeReason is not null)
        {
            FailPending(_closeReason);
        }

        var frame = new CqlFrame(CqlFrame.ProtocolVersion, 0, streamId, opcode, body).ToBytes();
        try
        {
            await _writeLock.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (_pending.TryRemove(streamId, out _))
            {
                _streamIds.Return(streamId);
            }

            throw cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : Timeout(opcode, timeout, "another request held the connection");
        }

        try
        {
            await _stream.WriteAsync(frame, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Part of the frame may be on the wire: nothing can follow it on this connection.
            Close(new CqlConnectionException($"The connection to Cassandra at {Endpoint} was closed: a request could not be written in time."));
            throw cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : Timeout(opcode, timeout, "the request could not be written");
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException)
        {
            Close(new CqlConnectionException($"The connection to Cassandra at {Endpoint} failed while sending a request: {exception.Message}", exception));
        }
        finally
        {
            _writeLock.Release();
        }

        CqlFrame response;
        try
        {
            response = await completion.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The stream id stays reserved until the late response arrives, so it is never confused with a new request.
            OnOrphaned(streamId);
            throw cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken) : Timeout(opcode, timeout, reason: null);
        }

        return response.Opcode == CqlOpcode.Error ? throw CqlErrorDecoder.Decode(response.Body) : response;
    }

    public async ValueTask DisposeAsync()
    {
        Close(new CqlConnectionException($"The connection to Cassandra at {Endpoint} was closed by this client."));
        await _readLoop.ConfigureAwait(false);

        // The semaphores stay undisposed: a request racing with the close must get CqlConnectionException, not ObjectDisposedException.
        _closing.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var frame = await CqlFrame.ReadAsync(_stream, _closing.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Close(new CqlConnectionException($"Cassandra at {Endpoint} closed the connection."));
                    return;
                }

                if (frame.Stream < 0)
                {
                    continue;
                }

                if (_pending.TryRemove(frame.Stream, out var completion))
                {
                    _orphaned.TryRemove(frame.Stream, out _);
                    _streamIds.Return(frame.Stream);
                    Complete(completion, frame);
                }
            }
        }
        catch (Exception exception)
        {
            // Whatever ends the loop, pending requests must fail now rather than wait for their timeouts.
            Close(new CqlConnectionException($"The connection to Cassandra at {Endpoint} was lost: {exception.Message}", exception));
        }
    }

    /// <summary>
    /// A request timed out: its stream stays reserved. Too many such streams, or a heartbeat (OPTIONS) the server does
    /// not answer within the connect timeout, mean the connection is dead or stalled, and it is closed.
    /// </summary>
    private void OnOrphaned(short streamId)
    {
        _orphaned[streamId] = 0;
        if (!_pending.ContainsKey(streamId))
        {
            _orphaned.TryRemove(streamId, out _);
            return;
        }

        if (_orphaned.Count > MaxOrphanedStreams)
        {
            Close(new CqlConnectionException(
                $"The connection to Cassandra at {Endpoint} was closed: {_orphaned.Count} timed-out requests are still unanswered."));
            return;
        }

        if (Interlocked.CompareExchange(ref _heartbeatRunning, 1, 0) == 0)
        {
            _ = HeartbeatAsync();
        }
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            await SendAsync(CqlOpcode.Options, CqlRequests.Empty(), _heartbeatTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CqlRequestTimeoutException)
        {
            Close(new CqlConnectionException(
                $"The connection to Cassandra at {Endpoint} was closed: a request timed out and the heartbeat (OPTIONS) was not answered " +
                $"within {_heartbeatTimeout.TotalMilliseconds:0} ms."));
        }
        catch (CqlException)
        {
            // The connection closed meanwhile, or the server answered with an error: either way it is not stalled.
        }
        finally
        {
            Volatile.Write(ref _heartbeatRunning, 0);
        }
    }

    private CqlRequestTimeoutException Timeout(CqlOpcode opcode, TimeSpan timeout, string? reason) =>
        new($"Cassandra at {Endpoint} did not answer a {opcode.ToString().ToUpperInvariant()} request within {timeout.TotalMilliseconds:0} ms" +
            (reason is null ? "." : $" ({reason})."));

    private static void EnableKeepAlive(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }

    /// <summary>The frame was read whole, so a prefix that does not parse fails only its request; the connection goes on.</summary>
    private void Complete(TaskCompletionSource<CqlFrame> completion, CqlFrame frame)
    {
        CqlFrame response;
        try
        {
            response = CqlResponsePrefix.Strip(frame);
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException or EndOfStreamException)
        {
            completion.TrySetException(new CqlException(
                $"Cassandra at {Endpoint} sent a {frame.Opcode.ToString().ToUpperInvariant()} response (flags 0x{frame.Flags:X2}) whose tracing id, " +
                $"warnings or custom payload do not parse: {exception.Message}",
                exception));
            return;
        }

        completion.TrySetResult(response);
    }

    private void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }

        _closing.Cancel();
        _client.Dispose();
        FailPending(reason);
    }

    private void FailPending(Exception reason)
    {
        foreach (var streamId in _pending.Keys)
        {
            if (_pending.TryRemove(streamId, out var completion))
            {
                completion.TrySetException(new CqlConnectionException(reason.Message, reason.InnerException));
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (_closeReason is { } reason)
        {
            throw new CqlConnectionException(reason.Message, reason.InnerException);
        }
    }
}
