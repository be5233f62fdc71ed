namespace Sprocket.Reconciler.Registry;

/// <summary>Event ids 4000–4099 belong to Registry/. No message here may carry a credential or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Resolved {Repository}:{Tag} to {Digest}")]
    public static partial void TagResolved(ILogger logger, string repository, string tag, string digest);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not resolve {Repository}:{Tag}: {Failure} {Reason}")]
    public static partial void TagResolutionFailed(ILogger logger, string repository, string tag, RegistryFailureKind failure, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Immutable tag {Repository}:{Tag} moved from {FirstSeenDigest} to {Digest}")]
    public static partial void TagMoved(ILogger logger, string repository, string tag, string firstSeenDigest, string digest);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Fetched a registry token for {Host} scope {Scope} (credentials: {WithCredentials}), valid {Lifetime}")]
    public static partial void TokenFetched(ILogger logger, string host, string scope, bool withCredentials, TimeSpan lifetime);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "{Host} sent no usable Docker-Content-Digest for {Name}:{Tag}; hashing the manifest body instead")]
    public static partial void DigestFromBody(ILogger logger, string host, string name, string tag);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Re-check of {Repository}:{Tag} failed ({Reason}); keeping the known digest {Digest}")]
    public static partial void ServingKnownDigest(ILogger logger, string repository, string tag, string reason, string digest);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Could not record {Repository}:{Tag} -> {Digest} in the digest ledger")]
    public static partial void LedgerWriteFailed(ILogger logger, Exception exception, string repository, string tag, string digest);
}
