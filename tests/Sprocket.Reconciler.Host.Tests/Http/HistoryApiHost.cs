using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>
/// The read API on a loopback Kestrel over a real state database in a temporary folder, with a desired state naming
/// <see cref="Stack"/>: no Swarm, no git, no loop. Tests fill <see cref="History"/> and <see cref="Events"/> directly.
/// </summary>
internal sealed class HistoryApiHost : IAsyncDisposable
{
    public const string Stack = "web-prod";

    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private HistoryApiHost(WebApplication app, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public HttpClient Client { get; }

    public Uri Address => Client.BaseAddress!;

    public ApplyHistory History => _app.Services.GetRequiredService<ApplyHistory>();

    public StackEventLog Events => _app.Services.GetRequiredService<StackEventLog>();

    public static async Task<HistoryApiHost> StartAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("history-api").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddFakeLogging();
        var database = StateDatabase.Open(dataDirectory, StateMigrations.All, TimeProvider.System);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ApplyHistory>();
        builder.Services.AddSingleton(new StackEventLog(database));
        var store = new StatusStore();
        var parsed = DesiredStateParser.Parse(DesiredStateYaml.FileName, DesiredStateYaml.Render(
            [new DesiredStack(Stack, "git-aaa1111", new DesiredService("127.0.0.1:5555/sprocketbot/web", "prod-web*"))]));
        store.Update(s => s with { Desired = new DesiredSnapshot(parsed.State!, "0123456789abcdef0123456789abcdef01234567", DesiredStateYaml.FileName) });
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<ILeadership>(new Loop.FakeLeadership());
        var app = builder.Build();
        app.MapReconcilerApi();
        await app.StartAsync();
        return new HistoryApiHost(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
