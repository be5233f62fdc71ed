using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.WriteBack;

namespace Sprocket.Reconciler.Testing;

/// <summary>Write-back wired as the host wires it (<c>AddDesiredStateSource</c> + <c>AddWriteBack</c>), clock frozen, logs captured.</summary>
internal sealed class WriteBackUnderTest : IDisposable
{
    private readonly ServiceProvider _services;

    private WriteBackUnderTest(ServiceProvider services)
    {
        _services = services;
        WriteBack = services.GetRequiredService<IWriteBack>();
        Logs = services.GetFakeLogCollector();
    }

    public IWriteBack WriteBack { get; }

    public FakeLogCollector Logs { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static WriteBackUnderTest Create(string repository, string dataDirectory, IDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reconciler:DesiredState:Repository"] = repository,
            ["Reconciler:DataDirectory"] = dataDirectory,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging())
            .AddSingleton<TimeProvider>(new FakeTimeProvider(WriteBackFixtures.Now))
            .AddDesiredStateSource(configuration)
            .AddWriteBack(configuration);
        services?.Invoke(collection);
        return new WriteBackUnderTest(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public void Dispose() => _services.Dispose();
}
