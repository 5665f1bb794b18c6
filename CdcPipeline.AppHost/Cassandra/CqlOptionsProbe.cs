using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace CdcPipeline.AppHost.Cassandra;

/// <summary>
/// Asks a CQL native transport which options it supports (protocol v4 <c>OPTIONS</c>). A <c>SUPPORTED</c>
/// answer means the node accepts client connections.
/// </summary>
public static class CqlOptionsProbe
{
    private const byte RequestVersion = 0x04;
    private const byte ResponseVersion = 0x84;
    private const byte OptionsOpcode = 0x05;
    private const byte SupportedOpcode = 0x06;
    private const byte ErrorOpcode = 0x00;
    private const int HeaderLength = 9;
    private const int MaxBodyLength = 64 * 1024;

    /// <summary>
    /// Sends OPTIONS and returns the SUPPORTED options (e.g. <c>CQL_VERSION</c>, <c>COMPRESSION</c>).
    /// Throws <see cref="CqlProbeException"/> for any other answer and <see cref="SocketException"/> when
    /// nothing listens.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();

        const short streamId = 1;
        var request = new byte[HeaderLength];
        request[0] = RequestVersion;
        request[1] = 0; // flags
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(2), streamId);
        request[4] = OptionsOpcode;
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(5), 0); // empty body
        await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);

        var header = new byte[HeaderLength];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5));
        if (header[0] != ResponseVersion)
        {
            throw new CqlProbeException($"Expected a protocol v4 response (0x84), got version byte 0x{header[0]:x2}.");
        }

        if (length is < 0 or > MaxBodyLength)
        {
            throw new CqlProbeException($"Implausible CQL frame body length {length}.");
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);

        return header[4] switch
        {
            SupportedOpcode => ReadStringMultimap(body),
            ErrorOpcode => throw new CqlProbeException($"The node answered OPTIONS with an error: {ReadError(body)}"),
            var opcode => throw new CqlProbeException($"Expected SUPPORTED (0x06), got opcode 0x{opcode:x2}."),
        };
    }

    // [string multimap]: [short] n, then n pairs of [string] key and [string list] values.
    private static Dictionary<string, IReadOnlyList<string>> ReadStringMultimap(ReadOnlySpan<byte> body)
    {
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var count = ReadShort(ref body);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ref body);
            var valueCount = ReadShort(ref body);
            var values = new string[valueCount];
            for (var j = 0; j < valueCount; j++)
            {
                values[j] = ReadString(ref body);
            }

            options[key] = values;
        }

        return options;
    }

    private static string ReadError(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            return "(no detail)";
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(body);
        body = body[4..];
        return $"0x{code:x4} {ReadString(ref body)}";
    }

    private static ushort ReadShort(ref ReadOnlySpan<byte> body)
    {
        if (body.Length < 2)
        {
            throw new CqlProbeException("Truncated CQL frame body.");
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(body);
        body = body[2..];
        return value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> body)
    {
        var length = ReadShort(ref body);
        if (body.Length < length)
        {
            throw new CqlProbeException("Truncated CQL frame body.");
        }

        var value = Encoding.UTF8.GetString(body[..length]);
        body = body[length..];
        return value;
    }
}

/// <summary>The peer answered, but not as a healthy CQL node does.</summary>
public sealed class CqlProbeException(string message) : Exception(message);
