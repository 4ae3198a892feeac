namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Replaces a file so a crash at any moment leaves either the old content or the new, never a torn file: a temp
/// file is written and fsynced, then renamed over the old one.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
