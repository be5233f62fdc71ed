using System.Text;
using LibGit2Sharp;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// The blocking libgit2 work of <c>writeBack: commit</c>, in a bare clone of its own under
/// <c>&lt;DataDirectory&gt;/writeback/</c> (the desired-state clone belongs to the git source and is never written).
/// Fetch the branch, edit the file's bytes with <see cref="ImageTagEdit"/>, commit on the fetched head, push without
/// force. When the push loses a race, fetch and redo the edit on the new head: a head that already names the good
/// tag ends it, a head naming a third tag (a human's commit) supersedes it. No working tree is ever checked out:
/// the commit is built from blobs and trees, so nothing on disk can be left dirty between attempts.
/// </summary>
internal static class WriteBackClone
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="beforePush">Called with the attempt number just before each push; lets tests land a concurrent
    /// push exactly inside the window a real race would hit.</param>
    public static WriteBackResult Commit(
        CommitPlan plan, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken, Action<int>? beforePush = null)
    {
        var remote = plan.Remote;
        try
        {
            using var repository = OpenOrCreate(plan.CloneDirectory, remote);
            var author = new Signature(plan.AuthorName, plan.AuthorEmail, now);
            var message = IncidentNote.CommitMessage(plan.Request, remote.Path, now);

            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var head = FetchHead(repository, remote, cancellationToken);
                if (head is null)
                    return Failed(remote, $"{remote.Location.Url} has no branch '{remote.Branch}'.");

                var outcome = Edit(repository, head, plan, author, message);
                if (outcome.Result is { } settled)
                    return settled;

                beforePush?.Invoke(attempt);
                var rejection = Push(repository, remote);
                if (rejection is null)
                    return new WriteBackResult.Committed(outcome.Commit!.Sha, remote.Branch);

                if (attempt >= plan.MaxPushAttempts)
                    return Failed(remote,
                        $"Pushing to {remote.Location.Url} {remote.Branch} was rejected {attempt} times, the last time with: {rejection}");
                Log.PushRaced(logger, plan.Request.Stack, SecretScrubber.Scrub(rejection, remote.Secrets), attempt, plan.MaxPushAttempts);
            }
        }
        catch (LibGit2SharpException problem) when (problem is not UserCancelledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(remote, $"Writing back to {remote.Location.Url} {remote.Branch} failed: {problem.Message}");
        }
        catch (UserCancelledException)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            return Failed(remote, $"The write-back clone {plan.CloneDirectory} is unusable: {problem.Message}");
        }
    }

    private sealed record EditOutcome(WriteBackResult? Result, LibGit2Sharp.Commit? Commit);

    private static EditOutcome Edit(Repository repository, LibGit2Sharp.Commit head, CommitPlan plan, Signature author, string message)
    {
        var (request, path) = (plan.Request, plan.Remote.Path);
        var entry = head[path];
        if (entry is null || entry.TargetType != TreeEntryTargetType.Blob || entry.Mode == Mode.SymbolicLink)
            return Settled(Failed(plan.Remote, $"Branch '{plan.Remote.Branch}' has no file '{path}' at {head.Sha}."));

        string text;
        try
        {
            // GetString keeps a BOM as U+FEFF, and GetBytes writes it back: the file's first bytes survive.
            text = StrictUtf8.GetString(ReadBytes((Blob)entry.Target));
        }
        catch (DecoderFallbackException)
        {
            return Settled(Failed(plan.Remote, $"'{path}' at {head.Sha} is not valid UTF-8."));
        }

        switch (ImageTagEdit.Replace(path, text, request.Stack, request.GoodTag))
        {
            case ImageTagEditResult.Unchanged:
                return Settled(new WriteBackResult.NothingToDo(
                    $"{path} at {head.Sha} already names {request.GoodTag} for stack {request.Stack}"));
            case ImageTagEditResult.Failed failed:
                return Settled(Failed(plan.Remote, $"Cannot edit {path} at {head.Sha}: {failed.Message}"));
            case ImageTagEditResult.Edited edited when edited.PreviousTag != request.BadTag:
                return Settled(new WriteBackResult.Superseded(edited.PreviousTag, head.Sha));
            case ImageTagEditResult.Edited edited:
                var blob = repository.ObjectDatabase.CreateBlob(new MemoryStream(StrictUtf8.GetBytes(edited.Text)));
                var tree = TreeDefinition.From(head);
                tree.Add(path, blob, entry.Mode);
                var commit = repository.ObjectDatabase.CreateCommit(
                    author, author, message, repository.ObjectDatabase.CreateTree(tree), [head], prettifyMessage: false);
                repository.Refs.Add(CommitPlan.OutgoingRef, commit.Id, allowOverwrite: true);
                return new EditOutcome(null, commit);
            default:
                throw new InvalidOperationException("Unknown ImageTagEdit result.");
        }

        static EditOutcome Settled(WriteBackResult result) => new(result, null);
    }

    private static byte[] ReadBytes(Blob blob)
    {
        using var content = blob.GetContentStream();
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static Repository OpenOrCreate(string cloneDirectory, FetchRequest remote)
    {
        if (!Repository.IsValid(cloneDirectory))
        {
            // Only ever ours, and holding nothing that is not on the remote: a broken one is simply made again.
            if (Directory.Exists(cloneDirectory))
                Directory.Delete(cloneDirectory, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(cloneDirectory)!);
            Repository.Init(cloneDirectory, isBare: true);
        }

        var repository = new Repository(cloneDirectory);
        using var origin = repository.Network.Remotes[FetchRequest.RemoteName];
        if (origin is null)
            repository.Network.Remotes.Add(FetchRequest.RemoteName, remote.Location.Url).Dispose();
        else if (origin.Url != remote.Location.Url || origin.PushUrl != remote.Location.Url)
            repository.Network.Remotes.Update(FetchRequest.RemoteName, updater =>
            {
                updater.Url = remote.Location.Url;
                updater.PushUrl = remote.Location.Url;
            });
        return repository;
    }

    /// <summary>The branch head as the remote has it now, or null when the branch does not exist.</summary>
    private static LibGit2Sharp.Commit? FetchHead(Repository repository, FetchRequest remote, CancellationToken cancellationToken)
    {
        // A branch deleted on the remote must not leave us committing on its stale tracking ref.
        if (repository.Refs[remote.TrackingRef] is not null)
            repository.Refs.Remove(remote.TrackingRef);

        var credentials = GitCredentials.For(remote);
        try
        {
            Commands.Fetch(repository, FetchRequest.RemoteName, [$"+{remote.BranchRef}:{remote.TrackingRef}"],
                new FetchOptions
                {
                    CredentialsProvider = credentials.Handler,
                    TagFetchMode = TagFetchMode.None,
                    Prune = false,
                    OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
                },
                logMessage: "sprocket-reconciler: fetch for write-back");
        }
        catch (LibGit2SharpException problem) when (credentials.WereWithheld)
        {
            throw new LibGit2SharpException($"{remote.Location.Url} asked for credentials that were not sent: {credentials.WithheldReason}.", problem);
        }
        catch (LibGit2SharpException problem) when (credentials.WereRefused)
        {
            throw new LibGit2SharpException($"{remote.Location.Url} refused {credentials.Origin}.", problem);
        }
        catch (LibGit2SharpException problem) when (IsMissingBranch(problem))
        {
            return null;
        }

        return repository.Refs[remote.TrackingRef]?.ResolveToDirectReference()?.Target as LibGit2Sharp.Commit;
    }

    /// <returns>Null when the remote took the commit; otherwise why it did not.</returns>
    private static string? Push(Repository repository, FetchRequest remote)
    {
        var credentials = GitCredentials.For(remote);
        string? refused = null;
        var options = new PushOptions
        {
            CredentialsProvider = credentials.Handler,
            // A server-side refusal (receive-pack's "non-fast-forward", "fetch first", a protected branch) lands here.
            OnPushStatusError = error => refused = $"{error.Reference}: {error.Message}",
        };
        try
        {
            using var origin = repository.Network.Remotes[FetchRequest.RemoteName];
            // No leading '+': never a forced update of the desired-state branch.
            repository.Network.Push(origin, $"{CommitPlan.OutgoingRef}:{remote.BranchRef}", options);
        }
        catch (NonFastForwardException problem)
        {
            // libgit2 checks fast-forward itself against what it knows of the remote head.
            return problem.Message;
        }
        catch (LibGit2SharpException problem) when (credentials.WereWithheld)
        {
            throw new LibGit2SharpException($"{remote.Location.Url} asked for credentials that were not sent: {credentials.WithheldReason}.", problem);
        }
        catch (LibGit2SharpException problem) when (credentials.WereRefused)
        {
            throw new LibGit2SharpException($"{remote.Location.Url} refused {credentials.Origin} for a push.", problem);
        }

        return refused;
    }

    private static bool IsMissingBranch(LibGit2SharpException problem) =>
        problem.Message.Contains("couldn't find remote ref", StringComparison.OrdinalIgnoreCase);

    private static WriteBackResult.Failed Failed(FetchRequest remote, string message) =>
        new(SecretScrubber.Scrub(message, remote.Secrets));
}
