using System.Text;

namespace ActorConnect.Bench;

/// <summary>Writes numbered, unique lines of exactly 100 bytes (a 10-digit number, a space, 88 letters, '\n').</summary>
internal static class GenFile
{
    public const int LineBytes = 100;

    public static int Run(string path, long lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var maker = new LineMaker();
        var line = new byte[LineBytes];
        for (long i = 0; i < lines; i++)
        {
            maker.Fill(line, i);
            output.Write(line);
        }

        Console.Error.WriteLine($"acbench: wrote {lines} lines ({lines * LineBytes} bytes) to {path}");
        return 0;
    }
}

/// <summary>
/// Makes the lines of <see cref="GenFile"/>: the number makes each line unique, the letters come from one xorshift
/// sequence running through the lines (so a file made line by line, as grow-file does, looks like gen-file's).
/// </summary>
internal sealed class LineMaker
{
    private ulong _state = 0x9E3779B97F4A7C15;

    public void Fill(Span<byte> line, long number)
    {
        Encoding.ASCII.GetBytes(number.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), line);
        line[10] = (byte)' ';
        for (var j = 11; j < GenFile.LineBytes - 1; j++)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            line[j] = (byte)('a' + (int)(_state % 26));
        }

        line[GenFile.LineBytes - 1] = (byte)'\n';
    }
}
