using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Registry;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Testing;

/// <summary>
/// The registry feature wired exactly as the daemon wires it (<see cref="RegistryServiceCollectionExtensions.AddRegistry"/>),
/// with a fake clock, every log line captured at Trace, and a throwaway data directory.
/// </summary>
public sealed class RegistryTestHost : IDisposable
{
    private readonly ServiceProvider _services;

    public RegistryTestHost(IDictionary<string, string?> settings, FakeTimeProvider? time = null, string? dataDirectory = null)
    {
        OwnsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("sprocket-state-").FullName;
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings)
            .AddInMemoryCollection([new("Reconciler:DataDirectory", DataDirectory)])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddRegistry(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // What ValidateOnStart does in the real host.
        _ = _services.GetRequiredService<IOptions<RegistryOptions>>().Value;
    }

    /// <summary>Settings for one Basic-auth credential entry of <c>Reconciler:Registry:Credentials</c>.</summary>
    public static Dictionary<string, string?> Credentials(string host, string user, string password) => new()
    {
        // Configuration keys cannot hold "host:port", so the host goes in the entry.
        ["Reconciler:Registry:Credentials:test:Host"] = host,
        ["Reconciler:Registry:Credentials:test:Username"] = user,
        ["Reconciler:Registry:Credentials:test:Password"] = password,
    };

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; }

    public IRegistryClient Client => _services.GetRequiredService<IRegistryClient>();

    public ITagResolver Resolver => _services.GetRequiredService<ITagResolver>();

    public DigestLedger Ledger => _services.GetRequiredService<DigestLedger>();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    /// <summary>Every captured log line, rendered with its structured values and exception, for secret scanning.</summary>
    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(r =>
        $"{r.Category} {r.Level} {r.Message} {string.Join(' ', r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])} {r.Exception}"));

    private bool OwnsDataDirectory { get; }

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        if (OwnsDataDirectory)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
