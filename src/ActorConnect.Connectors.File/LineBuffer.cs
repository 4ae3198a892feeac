namespace ActorConnect.Connectors.File;

/// <summary>
/// A reusable byte buffer that splits its content into lines ending in '\n' (a '\r' right before it is dropped).
/// Data is appended at the end (<see cref="GetFreeSpan"/>, <see cref="Commit"/>) and complete lines are taken from
/// the front. Each byte is scanned for '\n' once and only the unterminated tail is ever moved, so reading a file
/// through it is linear in the file size.
/// </summary>
internal sealed class LineBuffer
{
    private byte[] _buf;
    private int _start;   // first byte not yet taken as a line
    private int _end;     // end of valid data
    private int _scanned; // bytes in [_start, _scanned) are known to hold no '\n'

    public LineBuffer(int initialSize) => _buf = new byte[initialSize];

    /// <summary>Bytes held that do not (yet) form a complete line.</summary>
    public int Pending => _end - _start;

    /// <summary>Takes the next complete line, without its "\n" or "\r\n".</summary>
    /// <param name="line">The line's bytes; valid until the buffer is next written to.</param>
    /// <param name="consumed">How many bytes the line took including its terminator.</param>
    public bool TryTakeLine(out ReadOnlySpan<byte> line, out int consumed)
    {
        var from = Math.Max(_start, _scanned);
        var idx = _buf.AsSpan(from, _end - from).IndexOf((byte)'\n');
        if (idx < 0)
        {
            _scanned = _end;
            line = default;
            consumed = 0;
            return false;
        }

        var newline = from + idx;
        var lineEnd = newline > _start && _buf[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        line = _buf.AsSpan(_start, lineEnd - _start);
        consumed = newline + 1 - _start;
        _start = newline + 1;
        _scanned = _start;
        return true;
    }

    /// <summary>Takes everything held (the last line of a stream that ended without '\n').</summary>
    public ReadOnlySpan<byte> TakeRest()
    {
        var end = _end > _start && _buf[_end - 1] == (byte)'\r' ? _end - 1 : _end;
        var rest = _buf.AsSpan(_start, end - _start);
        _start = _scanned = _end;
        return rest;
    }

    /// <summary>Free space to read into: at least <paramref name="minFree"/> bytes, moving the held tail to the front or growing when needed.</summary>
    public Span<byte> GetFreeSpan(int minFree)
    {
        if (_start == _end)
        {
            _start = _end = _scanned = 0;
        }

        if (_buf.Length - _end < minFree)
        {
            if (_start > 0)
            {
                var held = _end - _start;
                Buffer.BlockCopy(_buf, _start, _buf, 0, held);
                _scanned -= _start;
                _start = 0;
                _end = held;
            }

            if (_buf.Length - _end < minFree)
            {
                var size = (int)Math.Min(Math.Max((long)_buf.Length * 2, (long)_end + minFree), Array.MaxLength);
                if (size <= _end)
                {
                    throw new InvalidOperationException($"A line is longer than {_end} bytes; lines this long cannot be held in memory.");
                }

                var grown = new byte[size];
                Buffer.BlockCopy(_buf, 0, grown, 0, _end);
                _buf = grown;
            }
        }

        return _buf.AsSpan(_end);
    }

    /// <summary>Marks <paramref name="count"/> bytes written into the span from <see cref="GetFreeSpan"/> as data.</summary>
    public void Commit(int count) => _end += count;

    /// <summary>Drops everything held.</summary>
    public void Clear() => _start = _end = _scanned = 0;
}
