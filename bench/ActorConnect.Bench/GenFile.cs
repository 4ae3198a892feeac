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
        var line = new byte[LineBytes];
        ulong state = 0x9E3779B97F4A7C15;
        for (long i = 0; i < lines; i++)
        {
            Encoding.ASCII.GetBytes(i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), line);
            line[10] = (byte)' ';
            for (var j = 11; j < LineBytes - 1; j++)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                line[j] = (byte)('a' + (int)(state % 26));
            }

            line[LineBytes - 1] = (byte)'\n';
            output.Write(line);
        }

        Console.Error.WriteLine($"acbench: wrote {lines} lines ({lines * LineBytes} bytes) to {path}");
        return 0;
    }
}
