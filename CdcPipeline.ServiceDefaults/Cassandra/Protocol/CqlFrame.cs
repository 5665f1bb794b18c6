using System.Buffers.Binary;

namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>One protocol frame: the 9-byte header (spec section 2) and its body.</summary>
internal sealed record CqlFrame(byte Version, byte Flags, short Stream, CqlOpcode Opcode, byte[] Body)
{
    public const int HeaderLength = 9;
    public const byte ProtocolVersion = 0x04;
    public const byte ResponseBit = 0x80;
    public const byte TracingFlag = 0x02;
    public const byte CustomPayloadFlag = 0x04;
    public const byte WarningFlag = 0x08;

    /// <summary>Upper bound of a frame body accepted from a peer (Cassandra's default native_transport_max_frame_size is 16 MiB).</summary>
    public const int MaxBodyLength = 256 * 1024 * 1024;

    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderLength + Body.Length];
        bytes[0] = Version;
        bytes[1] = Flags;
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(2), Stream);
        bytes[4] = (byte)Opcode;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(5), Body.Length);
        Body.CopyTo(bytes, HeaderLength);
        return bytes;
    }

    /// <summary>Reads one frame; returns null on a clean end of stream before a header starts.</summary>
    public static async Task<CqlFrame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        var read = await stream.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderLength)
        {
            throw new EndOfStreamException($"The connection closed inside a frame header ({read} of {HeaderLength} bytes).");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5));
        if (length < 0 || length > MaxBodyLength)
        {
            throw new InvalidDataException($"Frame body length {length} is out of range.");
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return new CqlFrame(header[0], header[1], BinaryPrimitives.ReadInt16BigEndian(header.AsSpan(2)), (CqlOpcode)header[4], body);
    }
}
