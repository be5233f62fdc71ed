namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>
/// A small tmpfs (<c>mount -t tmpfs -o size=…</c>; the tests run as root) for a data directory that can be filled up:
/// <see cref="FillAsync"/> writes a filler file until the kernel answers ENOSPC, <see cref="Empty"/> deletes it.
/// Unmounted on dispose (lazily, should something still hold a file in it).
/// </summary>
internal sealed class TinyTmpfs : IAsyncDisposable
{
    private const string FillerName = "filler.bin";

    private TinyTmpfs(string path) => Path = path;

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, FillerName);

    public static async Task<TinyTmpfs> MountAsync(string size)
    {
        var path = Directory.CreateTempSubdirectory("sprocket-fault-data-").FullName;
        await MountCommand.RunAsync("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "sprocket-fault-data", path);
        return new TinyTmpfs(path);
    }

    /// <summary>Writes the filler until the file system is full; returns the bytes it took.</summary>
    public async Task<long> FillAsync()
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)0x5a);
        long written = 0;
        await using var stream = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                await stream.WriteAsync(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. Then byte by byte, so not even a page is left.
            for (var i = 0; i < chunk.Length; i++)
            {
                try
                {
                    await stream.WriteAsync(chunk.AsMemory(0, 1));
                    await stream.FlushAsync();
                    written++;
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
        return written;
    }

    public void Empty() => File.Delete(Filler);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await MountCommand.RunAsync("umount", "--lazy", Path);
        }
        finally
        {
            try { Directory.Delete(Path); } catch (IOException) { /* still busy: the lazy unmount ends with its last user */ }
        }
    }
}
