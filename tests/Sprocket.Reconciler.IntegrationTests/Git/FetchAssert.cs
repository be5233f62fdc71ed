using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

internal static class FetchAssert
{
    /// <summary>Like Assert.IsType, but a failure shows the fetch's own reason and message.</summary>
    public static DesiredFetchResult.Fetched Fetched(DesiredFetchResult result) => result switch
    {
        DesiredFetchResult.Fetched fetched => fetched,
        DesiredFetchResult.Failed failed => throw Xunit.Sdk.FailException.ForFailure($"Expected a fetched file, got {failed.Reason}: {failed.Message}"),
        _ => throw new InvalidOperationException(result.GetType().Name),
    };

    public static DesiredFetchResult.Failed Failed(DesiredFetchResult result, DesiredFetchFailureReason reason)
    {
        var failed = result as DesiredFetchResult.Failed
            ?? throw Xunit.Sdk.FailException.ForFailure($"Expected a {reason} failure, got {result}");
        Assert.True(failed.Reason == reason, $"Expected {reason}, got {failed.Reason}: {failed.Message}");
        return failed;
    }
}
