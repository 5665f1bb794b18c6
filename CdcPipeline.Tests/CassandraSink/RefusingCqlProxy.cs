using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>
/// A CQL protocol v4 proxy in front of a CQL server that answers, in the server's place, every EXECUTE or BATCH
/// request carrying <c>marker</c> (e.g. a row's uuid) with an Invalid error, as Cassandra refuses the write of one row
/// (a guardrail, an oversized value). Every other frame passes through unchanged, whole frames in both directions.
/// </summary>
internal sealed class RefusingCqlProxy : IAsyncDisposable
{
    private const byte ExecuteOpcode = 0x0A;
    private const byte BatchOpcode = 0x0D;
    private const int InvalidCode = 0x2200;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly int _serverPort;
    private readonly byte[] _marker;
    private readonly string _message;
    private readonly Task _accepting;
    private int _refused;

    private RefusingCqlProxy(int serverPort, byte[] marker, string message)
    {
        _serverPort = serverPort;
        _marker = marker;
        _message = message;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string ConnectionString => $"Contact Points=127.0.0.1;Port={((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Requests answered with the error.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static RefusingCqlProxy Start(int serverPort, byte[] marker, string message) => new(serverPort, marker, message);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(client));
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
                var toClient = new SemaphoreSlim(1, 1);
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                await Task.WhenAny(
                    PumpRequestsAsync(clientStream, serverStream, toClient),
                    PumpResponsesAsync(serverStream, clientStream, toClient));
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // A side closed or the proxy stopped: the other side sees its connection close.
            }
        }
    }

    private async Task PumpRequestsAsync(NetworkStream client, NetworkStream server, SemaphoreSlim toClient)
    {
        while (await ReadFrameAsync(client) is { } frame)
        {
            var opcode = frame[4];
            if (opcode is ExecuteOpcode or BatchOpcode && frame.AsSpan(9).IndexOf(_marker) >= 0)
            {
                Interlocked.Increment(ref _refused);
                await WriteAsync(client, Error(frame), toClient);
            }
            else
            {
                await server.WriteAsync(frame, _stop.Token);
            }
        }
    }

    private async Task PumpResponsesAsync(NetworkStream server, NetworkStream client, SemaphoreSlim toClient)
    {
        while (await ReadFrameAsync(server) is { } frame)
        {
            await WriteAsync(client, frame, toClient);
        }
    }

    private async Task WriteAsync(NetworkStream stream, byte[] frame, SemaphoreSlim gate)
    {
        await gate.WaitAsync(_stop.Token);
        try
        {
            await stream.WriteAsync(frame, _stop.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>An ERROR response to <paramref name="request"/> (same stream id): code, then the message as a [string].</summary>
    private byte[] Error(byte[] request)
    {
        var text = Encoding.UTF8.GetBytes(_message);
        var frame = new byte[9 + 4 + 2 + text.Length];
        frame[0] = 0x84;
        frame[2] = request[2];
        frame[3] = request[3];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), 4 + 2 + text.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(9), InvalidCode);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(13), (short)text.Length);
        text.CopyTo(frame, 15);
        return frame;
    }

    /// <summary>One whole frame (9-byte header, then the body its length gives); null at the end of the stream.</summary>
    private async Task<byte[]?> ReadFrameAsync(NetworkStream stream)
    {
        var header = new byte[9];
        if (!await ReadExactlyAsync(stream, header))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5));
        var frame = new byte[9 + length];
        header.CopyTo(frame, 0);
        return await ReadExactlyAsync(stream, frame.AsMemory(9)) ? frame : null;
    }

    private async Task<bool> ReadExactlyAsync(NetworkStream stream, Memory<byte> buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
