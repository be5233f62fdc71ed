using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// The secret matrix through the real desired-state source: a fetch from a URL with credentials that fails (nothing
/// listens on the port), for each printable ASCII character in the user and in the password. Nothing the failure
/// produces — the result, every log record with its structured state, every tag of the failure counter — may show
/// the credentials, and the counter's <c>repository</c> tag is the clean URL.
/// </summary>
public sealed class SecretMatrixFetchTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public static TheoryData<int, bool> Characters => SecretCharacters.All();

    [Theory]
    [MemberData(nameof(Characters))]
    public async Task A_failed_fetch_shows_the_credentials_nowhere(int code, bool inUser)
    {
        var port = Registry.DistributionRegistry.FreeLoopbackPort();
        var (url, secrets) = SecretCharacters.Case(code, inUser, $"127.0.0.1:{port}/desired.git");
        var clean = $"https://127.0.0.1:{port}/desired.git";
        using var sut = SourceUnderTest.Create(url, _scratch.Combine("data"));

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Unreachable);

        Assert.Equal(clean, failed.Repository);
        var measurement = Assert.Single(sut.CountedFailures());
        Assert.Equal(clean, measurement.Tags["repository"]);
        var shown = new List<string> { failed.Message, failed.Repository };
        shown.AddRange(measurement.Tags.Select(tag => $"{tag.Key}={tag.Value}"));
        foreach (var log in sut.Logs.GetSnapshot())
        {
            shown.Add(log.Message);
            shown.Add(log.Exception?.ToString() ?? "");
            shown.AddRange(log.StructuredState?.Select(pair => $"{pair.Key}={pair.Value}") ?? []);
        }
        foreach (var text in shown)
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    public void Dispose() => _scratch.Dispose();
}
