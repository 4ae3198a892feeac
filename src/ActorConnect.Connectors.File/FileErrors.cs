namespace ActorConnect.Connectors.File;

/// <summary>
/// What went wrong with a connector's file, in the operator's words rather than the runtime's: the system says
/// "Access denied" for a directory opened as a file, and a full disk hides in an errno.
/// </summary>
internal static class FileErrors
{
    private const int Enospc = 28; // Linux and macOS errno, which .NET keeps as the HResult
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when <paramref name="path"/> names a directory, which no file connector can read or write.</summary>
    public static bool IsDirectory(string path) => Directory.Exists(path);

    /// <summary>True when the write failed because the file system has no space left.</summary>
    public static bool IsDiskFull(IOException e) => e.HResult is Enospc or WindowsDiskFull or WindowsHandleDiskFull;

    /// <summary>The path as given, and in full when relative (the worker's working directory is rarely obvious).</summary>
    public static string Describe(string path) => Path.IsPathRooted(path) ? path : $"{path} ({Path.GetFullPath(path)})";
}
