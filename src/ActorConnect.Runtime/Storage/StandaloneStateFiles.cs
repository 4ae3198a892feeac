using ActorConnect.Runtime.Config;

namespace ActorConnect.Runtime.Storage;

/// <summary>
/// A standalone worker's two state files, read and checked together: the offsets file and the connector config
/// file. The host opens them before it binds the REST port, so a worker whose state it cannot use never serves.
/// </summary>
public sealed class StandaloneStateFiles
{
    private StandaloneStateFiles(FileOffsetBackingStore offsets, FileConfigBackingStore connectors)
    {
        Offsets = offsets;
        Connectors = connectors;
    }

    /// <summary>Source offsets (<c>offset.storage.file.filename</c>).</summary>
    public FileOffsetBackingStore Offsets { get; }

    /// <summary>Connector configs and target states (<c>config.storage.file.filename</c>).</summary>
    public FileConfigBackingStore Connectors { get; }

    /// <summary>
    /// Reads both files; throws <see cref="Api.Errors.ConfigException"/> naming the file, what is wrong with it and
    /// the fix when one cannot be used. <paramref name="warn"/> is told what the worker starts with but should be
    /// seen, such as an offsets file that holds no offsets.
    /// </summary>
    public static StandaloneStateFiles Open(WorkerConfig config, Action<string> warn) => new(
        new FileOffsetBackingStore(config.OffsetStorageFile ?? throw new Api.Errors.ConfigException($"Missing required configuration \"{WorkerConfig.OffsetStorageFileFilename}\" which has no default value."), warn),
        new FileConfigBackingStore(config.ConfigStorageFile!));
}
