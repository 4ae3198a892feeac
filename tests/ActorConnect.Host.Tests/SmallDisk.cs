using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// A tmpfs of a few hundred KiB mounted for one test, so a file on it runs out of space as on a full disk; it can be
/// given more space while mounted (space returns). Mounting needs root: <see cref="TryMountAsync"/> answers null
/// where it is not permitted, and the test falls back to /dev/full.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax, e.g. 1m) at a new directory; null when not permitted.</summary>
    public static async Task<SmallDisk?> TryMountAsync(string path, string size)
    {
        Directory.CreateDirectory(path);
        try
        {
            return await RunAsync("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path) == 0 ? new SmallDisk(path) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no mount command
        }
    }

    /// <summary>Gives the mounted file system <paramref name="size"/> in all, keeping its files.</summary>
    public async Task GrowAsync(string size) =>
        Assert.Equal(0, await RunAsync("mount", "-o", $"remount,size={size}", Path));

    public async ValueTask DisposeAsync() => await RunAsync("umount", Path);

    private static async Task<int> RunAsync(string command, params string[] arguments)
    {
        await using var process = ProcessRunner.Start(command, arguments, name: command);
        return await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
