using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Sprocket.Reconciler.GitHub;

namespace Sprocket.Reconciler.Host.Tests.GitHub;

/// <summary>
/// The GitHub transport for tests: every request, whatever host it names (api.github.com, ghe.example.org), goes to
/// the local fake with its path and query unchanged, so the fake sees exactly the path GitHub would. The address
/// the client meant is kept in <see cref="Intended"/>.
/// </summary>
internal sealed class RedirectToFake(Uri fake) : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<Uri> Intended { get; } = new();

    /// <summary>Registers this as the one GitHub transport (a later registration wins over the default).</summary>
    public static RedirectToFake Install(IServiceCollection services, string fakeUrl)
    {
        var redirect = new RedirectToFake(new Uri(fakeUrl));
        services.AddSingleton(new GitHubHttpTransport(() => redirect));
        return redirect;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var intended = request.RequestUri!;
        Intended.Enqueue(intended);
        request.RequestUri = new UriBuilder(intended) { Scheme = fake.Scheme, Host = fake.Host, Port = fake.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }

    // Octokit's adapter disposes its handler with the client; the test owns this one.
    protected override void Dispose(bool disposing)
    {
    }
}
