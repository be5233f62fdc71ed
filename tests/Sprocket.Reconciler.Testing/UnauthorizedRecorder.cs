using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sprocket.Reconciler.Testing;

/// <summary>
/// A git host that answers every request <c>401</c> with <c>WWW-Authenticate: Basic</c>, as a hostile or merely
/// private server would, and records the <c>Authorization</c> header of each request it got: what the
/// reconciler offered it.
/// </summary>
internal sealed class UnauthorizedRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _authorizations = new();
    private int _requests;

    private UnauthorizedRecorder(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every Authorization header received, in order (requests without one are not listed).</summary>
    public IReadOnlyCollection<string> Authorizations => _authorizations.ToArray();

    /// <summary>Listens on <paramref name="address"/> (loopback unless given), on a port the kernel picks.</summary>
    public static async Task<UnauthorizedRecorder> StartAsync(IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address ?? IPAddress.Loopback, 0));
        var app = builder.Build();
        var recorder = new UnauthorizedRecorder(app);
        app.Run(recorder.Handle);
        await app.StartAsync();
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        recorder.BaseAddress = new Uri(listening.TrimEnd('/') + "/");
        return recorder;
    }

    private Task Handle(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization.Count > 0)
            _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"elsewhere\"";
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
