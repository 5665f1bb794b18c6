using System.Buffers.Binary;
using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Snapshot;

/// <summary>
/// Reads PostgreSQL's binary COPY format (<c>COPY … TO STDOUT (FORMAT binary)</c>): the 11-byte signature, flags and
/// header extension, then per row a 16-bit field count and per field a 32-bit length (-1 for NULL) and the value in the
/// type's binary send format — the same bytes pgoutput sends in binary mode, so one decoder serves both.
/// </summary>
internal sealed class BinaryCopyReader(Stream stream)
{
    /// <summary><c>PGCOPY\n\377\r\n\0</c>.</summary>
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _headerRead;

    /// <summary>Reads the next row into <paramref name="row"/>; false at the end of the data.</summary>
    public async ValueTask<bool> ReadRowAsync(RowImage row, CancellationToken cancellationToken)
    {
        if (!_headerRead)
        {
            await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            _headerRead = true;
        }

        await FillAsync(2, cancellationToken).ConfigureAwait(false);
        var fields = BinaryPrimitives.ReadInt16BigEndian(_buffer.AsSpan(_start));
        _start += 2;
        if (fields == -1)
        {
            return false;
        }

        row.Reset(fields);
        for (var i = 0; i < fields; i++)
        {
            await FillAsync(4, cancellationToken).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start));
            _start += 4;
            if (length < 0)
            {
                row.SetNull(i);
                continue;
            }

            var target = row.Allocate(i, length);
            await CopyAsync(target, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        await FillAsync(19, cancellationToken).ConfigureAwait(false);
        var header = _buffer.AsSpan(_start, 19);
        if (!header[..11].SequenceEqual(Signature))
        {
            throw new InvalidDataException("The snapshot's COPY output does not start with PostgreSQL's binary COPY signature.");
        }

        var extension = BinaryPrimitives.ReadInt32BigEndian(header[15..]);
        _start += 19;
        await FillAsync(extension, cancellationToken).ConfigureAwait(false);
        _start += extension;
    }

    private async ValueTask CopyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        while (!target.IsEmpty)
        {
            if (_start == _end)
            {
                await FillAsync(1, cancellationToken).ConfigureAwait(false);
            }

            var count = Math.Min(target.Length, _end - _start);
            _buffer.AsMemory(_start, count).CopyTo(target);
            _start += count;
            target = target[count..];
        }
    }

    /// <summary>Makes at least <paramref name="count"/> bytes (at most the buffer's size) available from <c>_start</c>.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The snapshot's COPY output ended in the middle of a row.");
            }

            _end += read;
        }
    }
}
