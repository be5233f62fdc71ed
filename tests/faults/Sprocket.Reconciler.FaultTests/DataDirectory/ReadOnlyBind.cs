namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>A folder bind-mounted onto itself read-only (<c>mount --bind</c>, then <c>remount,ro,bind</c>): root cannot
/// write there either, which chmod would not achieve. Unmounted on dispose.</summary>
internal sealed class ReadOnlyBind : IAsyncDisposable
{
    private ReadOnlyBind(string path) => Path = path;

    public string Path { get; }

    public static async Task<ReadOnlyBind> MountAsync(string path)
    {
        await MountCommand.RunAsync("mount", "--bind", path, path);
        try
        {
            await MountCommand.RunAsync("mount", "-o", "remount,ro,bind", path);
        }
        catch
        {
            await MountCommand.RunAsync("umount", path);
            throw;
        }
        return new ReadOnlyBind(path);
    }

    public async ValueTask DisposeAsync() => await MountCommand.RunAsync("umount", "--lazy", Path);
}
