using Microsoft.Data.Sqlite;

namespace Sprocket.Reconciler.Host.Tests.State;

/// <summary>A throwaway DataDirectory; pooled SQLite connections are released before it is deleted.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sprocket-state-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
