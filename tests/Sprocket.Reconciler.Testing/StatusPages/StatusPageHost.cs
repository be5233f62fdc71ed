using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.StatusPages;

namespace Sprocket.Reconciler.Testing.StatusPages;

/// <summary>
/// The status pages as the daemon serves them — the same endpoints, components and state stores — on a loopback Kestrel
/// in process, over a status snapshot and a state database the test fills: no Swarm, no git, a clock that stands still.
/// </summary>
internal sealed class StatusPageHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ScratchDirectory _data;

    private StatusPageHost(WebApplication app, ScratchDirectory data)
    {
        _app = app;
        _data = data;
        Address = new Uri(app.Urls.Single().TrimEnd('/') + "/");
    }

    public Uri Address { get; }

    public StatusStore Store => _app.Services.GetRequiredService<StatusStore>();

    public ApplyHistory Applies => _app.Services.GetRequiredService<ApplyHistory>();

    public StackEventLog Events => _app.Services.GetRequiredService<StackEventLog>();

    public StateDatabase Database => _app.Services.GetRequiredService<StateDatabase>();

    public static async Task<StatusPageHost> StartAsync(
        ReconcilerStatus status, bool leader = true, string? dashboardUrl = null, string? publicUrl = null, DateTimeOffset? now = null)
    {
        var data = new ScratchDirectory();
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var time = new FakeTimeProvider(now ?? StatusPageScene.Now);
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddSingleton(StateDatabase.Open(data.Root, StateMigrations.All, time));
            builder.Services.AddSingleton<ApplyHistory>();
            builder.Services.AddSingleton(sp => new StackEventLog(sp.GetRequiredService<StateDatabase>()));
            var store = new StatusStore();
            store.Update(_ => status);
            builder.Services.AddSingleton(store);
            builder.Services.AddSingleton<ILeadership>(new FixedLeadership(leader));
            builder.Services.AddSingleton(new DesiredStateLocation(StatusPageScene.Repository, "main", "desired-state.yaml"));
            builder.Services.Configure<GrafanaOptions>(o => o.DashboardUrl = dashboardUrl);
            builder.Services.Configure<ReconcilerOptions>(o => o.PublicUrl = publicUrl);
            builder.Services.AddStatusPages();
            var app = builder.Build();
            app.MapStatusPages();
            await app.StartAsync();
            return new StatusPageHost(app, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        // SQLite keeps pooled connections to the file open until they are cleared.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private sealed class FixedLeadership(bool leader) : ILeadership
    {
        public bool IsLeader => leader;
    }
}
