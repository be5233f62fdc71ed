using LibGit2Sharp;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The blocking libgit2 work of one fetch: ask the remote where the branch is, bring that commit into a bare
/// clone under the data directory, read the file there. Callers serialize per clone directory and run this
/// off the request thread.
/// <para>
/// The clone is only ever replaced whole: a first clone (or a repair) is built in a staging directory and
/// moved into place once its fetch succeeded, so a failure at any point leaves the previous clone usable.
/// The token reaches libgit2 only through the credentials callback, so it is never written to disk.
/// </para>
/// </summary>
internal static class BareClone
{
    private const string StagingMarker = ".partial-";
    private const string RetiredMarker = ".retired-";

    public static DesiredFetchResult Fetch(FetchRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var tip = RemoteBranchTip(request);
            if (tip is null)
                return Failed(request, DesiredFetchFailureReason.BranchMissing,
                    $"Desired-state repository {request.Location.Url} has no branch '{request.Branch}'.");
            cancellationToken.ThrowIfCancellationRequested();

            var cloneDirectory = request.Location.CloneDirectory;
            if (Directory.Exists(cloneDirectory))
            {
                try
                {
                    return UpdateExisting(request, tip, cancellationToken);
                }
                catch (Exception problem) when (IsRepairable(problem))
                {
                    // The remote answered a moment ago, so a clone that cannot take its commit is presumed broken.
                    Log.RepairingClone(logger, cloneDirectory, SecretScrubber.Scrub(problem.Message, request.Secrets));
                }
            }
            else
            {
                Log.Cloning(logger, request.Location.Url, request.Branch, cloneDirectory);
            }

            return CloneAfresh(request, tip, cancellationToken);
        }
        catch (FetchFailure failure)
        {
            return Failed(request, failure.Reason, failure.Message);
        }
        catch (Exception problem) when (problem is LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            return Failed(request, DesiredFetchFailureReason.Storage,
                $"The local clone of {request.Location.Url} in {request.Location.CloneDirectory} is unusable: {problem.Message}");
        }
    }

    private static DesiredFetchResult UpdateExisting(FetchRequest request, ObjectId tip, CancellationToken cancellationToken)
    {
        using var repository = new Repository(request.Location.CloneDirectory);
        var previous = repository.Refs[request.TrackingRef]?.ResolveToDirectReference()?.TargetIdentifier;
        if (!repository.ObjectDatabase.Contains(tip))
            FetchBranch(repository, request, cancellationToken);
        PointTrackingRef(repository, request, tip);
        return ReadFile(repository, request, tip) with { Move = MoveSince(repository, previous, tip) };
    }

    // The previous head is in the clone (the tracking ref kept it), so ancestry is answered locally, without the remote.
    private static BranchMove? MoveSince(Repository repository, string? previous, ObjectId tip)
    {
        if (previous is null || previous == tip.Sha) return null;
        var from = repository.Lookup<Commit>(previous);
        var to = repository.Lookup<Commit>(tip);
        if (from is null || to is null) return null;
        return BranchMove.Classify(previous, tip.Sha, repository.ObjectDatabase.FindMergeBase(from, to)?.Sha);
    }

    private static DesiredFetchResult CloneAfresh(FetchRequest request, ObjectId tip, CancellationToken cancellationToken)
    {
        var cloneDirectory = request.Location.CloneDirectory;
        Directory.CreateDirectory(Path.GetDirectoryName(cloneDirectory)!);
        RemoveLeftovers(cloneDirectory);

        var staging = cloneDirectory + StagingMarker + Guid.NewGuid().ToString("N");
        try
        {
            using (var repository = new Repository(Repository.Init(staging, isBare: true)))
            {
                FetchBranch(repository, request, cancellationToken);
                PointTrackingRef(repository, request, tip);
            }

            MoveIntoPlace(staging, cloneDirectory);
        }
        finally
        {
            DeleteQuietly(staging);
        }

        using var clone = new Repository(cloneDirectory);
        return ReadFile(clone, request, tip);
    }

    private static ObjectId? RemoteBranchTip(FetchRequest request)
    {
        // libgit2 calls a missing local path an "unsupported URL protocol"; say what is actually wrong.
        if (request.Location.IsLocalPath && !Directory.Exists(request.Location.Url))
            throw new FetchFailure(DesiredFetchFailureReason.Unreachable,
                $"Cannot fetch desired-state repository {request.Location.Url}: no such directory.");

        var credentials = GitCredentials.For(request);
        try
        {
            var advertised = Repository.ListRemoteReferences(request.Location.Url, credentials.Handler);
            // Only the id is known for an advertised ref: its target object is not in any local repository yet.
            return advertised.FirstOrDefault(reference => reference.CanonicalName == request.BranchRef) is DirectReference head
                ? new ObjectId(head.TargetIdentifier)
                : null;
        }
        catch (LibGit2SharpException problem)
        {
            throw TransportFailure(request, credentials, problem);
        }
    }

    private static void FetchBranch(Repository repository, FetchRequest request, CancellationToken cancellationToken)
    {
        var credentials = GitCredentials.For(request);
        var options = new FetchOptions
        {
            CredentialsProvider = credentials.Handler,
            TagFetchMode = TagFetchMode.None,
            Prune = false,
            // The only hook libgit2 offers to abandon a transfer part-way.
            OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
        };
        try
        {
            PointRemoteAtUrl(repository, request);
            Commands.Fetch(repository, FetchRequest.RemoteName, [$"+{request.BranchRef}:{request.TrackingRef}"], options,
                logMessage: "sprocket-reconciler: fetch desired state");
        }
        catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (LibGit2SharpException problem)
        {
            throw TransportFailure(request, credentials, problem);
        }
    }

    // LibGit2Sharp 0.32 cannot fetch from a bare URL (its anonymous-remote path trips over libgit2's remote-name
    // check), so the clone names one remote. Its URL carries no userinfo; credentials only pass through callbacks.
    private static void PointRemoteAtUrl(Repository repository, FetchRequest request)
    {
        using var remote = repository.Network.Remotes[FetchRequest.RemoteName];
        if (remote is null)
            repository.Network.Remotes.Add(FetchRequest.RemoteName, request.Location.Url).Dispose();
        else if (remote.Url != request.Location.Url)
            repository.Network.Remotes.Update(FetchRequest.RemoteName, updater => updater.Url = request.Location.Url);
    }

    // Pinned to what the remote advertised rather than whatever the fetch left, so the revision returned is
    // exactly the branch head we asked about, and the commit stays referenced in the clone.
    private static void PointTrackingRef(Repository repository, FetchRequest request, ObjectId tip)
    {
        if (!repository.ObjectDatabase.Contains(tip))
            throw new LibGit2SharpException($"the fetch did not bring commit {tip.Sha} of {request.BranchRef}");
        repository.Refs.Add(request.TrackingRef, tip, allowOverwrite: true);
    }

    private static DesiredFetchResult ReadFile(Repository repository, FetchRequest request, ObjectId tip)
    {
        var commit = repository.Lookup<Commit>(tip)
            ?? throw new LibGit2SharpException($"commit {tip.Sha} is missing from the clone");
        var entry = commit[request.Path];
        if (entry is null || entry.TargetType != TreeEntryTargetType.Blob || entry.Mode == Mode.SymbolicLink)
            return Failed(request, DesiredFetchFailureReason.FileMissing,
                $"Branch '{request.Branch}' of {request.Location.Url} has no file '{request.Path}' at revision {tip.Sha}.");

        var blob = (Blob)entry.Target;
        var (content, size) = BoundedBlobReader.Read(repository, blob);
        return content is null
            ? new DesiredFetchResult.TooLarge(request.Location.Url, request.Branch, tip.Sha, request.Path, blob.Sha, size)
            : new DesiredFetchResult.Fetched(request.Location.Url, request.Branch, tip.Sha, request.Path, blob.Sha, content.Value);
    }

    private static void MoveIntoPlace(string staging, string cloneDirectory)
    {
        if (!Directory.Exists(cloneDirectory))
        {
            Directory.Move(staging, cloneDirectory);
            return;
        }

        var retired = cloneDirectory + RetiredMarker + Guid.NewGuid().ToString("N");
        Directory.Move(cloneDirectory, retired);
        Directory.Move(staging, cloneDirectory);
        DeleteQuietly(retired);
    }

    // A process stopped mid-clone or mid-swap leaves these behind; nobody else can be using them under the gate.
    private static void RemoveLeftovers(string cloneDirectory)
    {
        var parent = Path.GetDirectoryName(cloneDirectory)!;
        var name = Path.GetFileName(cloneDirectory);
        foreach (var leftover in Directory.EnumerateDirectories(parent, name + ".*"))
        {
            var suffix = Path.GetFileName(leftover)[name.Length..];
            if (suffix.StartsWith(StagingMarker, StringComparison.Ordinal) || suffix.StartsWith(RetiredMarker, StringComparison.Ordinal))
                DeleteQuietly(leftover);
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            // Left for RemoveLeftovers on the next clone; never worth failing a fetch over.
        }
    }

    private static bool IsRepairable(Exception problem) => problem switch
    {
        FetchFailure { Reason: DesiredFetchFailureReason.Authentication } => false,
        FetchFailure or LibGit2SharpException or IOException or UnauthorizedAccessException => true,
        _ => false,
    };

    private static FetchFailure TransportFailure(FetchRequest request, GitCredentials credentials, LibGit2SharpException problem)
    {
        if (credentials.WereWithheld)
            return new FetchFailure(DesiredFetchFailureReason.Authentication,
                $"Desired-state repository {request.Location.Url} asked for credentials that were not sent: {credentials.WithheldReason}.");
        if (credentials.WereRefused)
            return new FetchFailure(DesiredFetchFailureReason.Authentication,
                $"Desired-state repository {request.Location.Url} refused {credentials.Origin}.");
        if (GitFailureClassifier.ClassifyTransport(problem) == DesiredFetchFailureReason.Authentication)
            return new FetchFailure(DesiredFetchFailureReason.Authentication,
                $"Desired-state repository {request.Location.Url} refused access"
                + (credentials.AreConfigured ? "" : " (no Reconciler:GitHub:Token is configured)")
                + $": {problem.Message}");
        return new FetchFailure(DesiredFetchFailureReason.Unreachable,
            $"Cannot fetch desired-state repository {request.Location.Url}: {problem.Message}");
    }

    private static DesiredFetchResult.Failed Failed(FetchRequest request, DesiredFetchFailureReason reason, string message) =>
        new(request.Location.Url, request.Branch, reason, SecretScrubber.Scrub(message, request.Secrets));
}
