using System.Security.Cryptography;
using System.Text;
using LibGit2Sharp;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// Keeps a working tree of each stack's Pulumi program (<c>pulumi.program.repository</c> at <c>ref</c>: a
/// branch, a tag or a commit id) under <c>&lt;DataDirectory&gt;/programs/&lt;hash&gt;</c>, hard-reset to the
/// fetched commit. One tree per stack (the hash covers the repository URL and the stack name), so stacks
/// sharing a program never reset each other's tree mid-run. Callers serialize per
/// <see cref="DirectoryFor"/> (<see cref="CloneDirectoryGates"/>). Credentials and scrubbing are the
/// desired-state clone's (<see cref="GitCredentials"/>, <see cref="SecretScrubber"/>); <c>Reconciler:GitHub:Token</c>
/// is offered only to a program on the desired-state repository's origin (<see cref="CredentialScope"/>): a stack
/// definition may name any repository, and its server must not be able to collect the token by answering 401.
/// </summary>
internal sealed class PulumiProgramCheckout(
    IOptions<ReconcilerOptions> paths,
    IOptions<GitHubOptions> gitHub,
    IOptionsMonitor<DesiredStateOptions> desiredState,
    ILogger<PulumiProgramCheckout> logger)
{
    private const string InstalledSuffix = ".installed";

    public string DirectoryFor(StackSpec stack)
    {
        var location = RepositoryLocation.Resolve(Program(stack).Repository, paths.Value.DataDirectory);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location.Url + "\n" + stack.Name)))[..16];
        return Path.Combine(Path.GetFullPath(paths.Value.DataDirectory), "programs", hash);
    }

    /// <summary>The stack's work dir in the tree as last checked out, or null when there is none yet.</summary>
    public string? ExistingWorkDirectory(StackSpec stack)
    {
        var directory = DirectoryFor(stack);
        return Directory.Exists(directory) && Repository.IsValid(directory)
            ? ValidateWorkDirectory(directory, stack.Pulumi!.WorkDir, out _)
            : null;
    }

    public Task<ProgramCheckoutResult> PrepareAsync(StackSpec stack, CancellationToken cancellationToken) =>
        Task.Run(() => Prepare(stack, cancellationToken), cancellationToken);

    /// <summary>Remembers that <c>pulumi install</c> succeeded for this commit; until then every run installs.</summary>
    public static void MarkInstalled(ProgramCheckoutResult.Ready checkout) =>
        File.WriteAllText(checkout.CheckoutDirectory + InstalledSuffix, checkout.Commit);

    private ProgramCheckoutResult Prepare(StackSpec stack, CancellationToken cancellationToken)
    {
        var program = Program(stack);
        if (RepositoryLocation.DescribeUnsupported(program.Repository) is { } unsupported)
            return new ProgramCheckoutResult.Failed(ApplyOutcome.Misconfigured, $"pulumi.program.repository {unsupported}");

        var directory = DirectoryFor(stack);
        var location = RepositoryLocation.Resolve(program.Repository, paths.Value.DataDirectory) with { CloneDirectory = directory };
        var request = new FetchRequest(location, program.Ref, stack.Pulumi!.WorkDir, TokenFor(location));
        if (location.IsLocalPath && !Directory.Exists(location.Url))
            return new ProgramCheckoutResult.Failed(ApplyOutcome.Misconfigured, $"Pulumi program repository {location.Url} does not exist.");

        Log.CheckingOut(logger, location.Url, program.Ref, directory);
        try
        {
            if (Directory.Exists(directory) && !Repository.IsValid(directory))
                Directory.Delete(directory, recursive: true);
            if (!Directory.Exists(directory))
                Repository.Init(directory);

            using var repository = new Repository(directory);
            var fetchFailure = Fetch(repository, request, cancellationToken);
            if (fetchFailure is not null)
                return fetchFailure;

            var commit = ResolveRef(repository, program.Ref);
            if (commit is null)
                return new ProgramCheckoutResult.Failed(ApplyOutcome.Misconfigured,
                    $"Pulumi program repository {location.Url} has no branch, tag or commit '{program.Ref}'.");

            cancellationToken.ThrowIfCancellationRequested();
            Commands.Checkout(repository, commit, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
            repository.Reset(ResetMode.Hard, commit);

            var workDirectory = ValidateWorkDirectory(directory, stack.Pulumi.WorkDir, out var problem);
            if (workDirectory is null)
                return new ProgramCheckoutResult.Failed(ApplyOutcome.Misconfigured,
                    $"pulumi.workDir '{stack.Pulumi.WorkDir}' of stack {stack.Name} {problem} at commit {commit.Sha} of {location.Url}.");

            var installed = File.Exists(directory + InstalledSuffix) ? File.ReadAllText(directory + InstalledSuffix).Trim() : null;
            var changed = installed != commit.Sha;
            Log.CheckedOut(logger, location.Url, program.Ref, commit.Sha, changed);
            return new ProgramCheckoutResult.Ready(directory, workDirectory, commit.Sha, changed);
        }
        catch (Exception problem) when (problem is LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            // The tree is only a cache of the remote: drop it so the next attempt starts clean.
            DeleteQuietly(directory);
            return new ProgramCheckoutResult.Failed(ApplyOutcome.Failed,
                SecretScrubber.Scrub($"The checkout of Pulumi program {location.Url} in {directory} failed: {problem.Message}", request.Secrets));
        }
    }

    private string? TokenFor(RepositoryLocation program) =>
        CredentialScope.Allows(desiredState.CurrentValue.Repository, program.Url) ? gitHub.Value.Token : null;

    private ProgramCheckoutResult.Failed? Fetch(Repository repository, FetchRequest request, CancellationToken cancellationToken)
    {
        using (var remote = repository.Network.Remotes[FetchRequest.RemoteName])
        {
            if (remote is null)
                repository.Network.Remotes.Add(FetchRequest.RemoteName, request.Location.Url).Dispose();
            else if (remote.Url != request.Location.Url)
                repository.Network.Remotes.Update(FetchRequest.RemoteName, updater => updater.Url = request.Location.Url);
        }

        var credentials = GitCredentials.For(request);
        var options = new FetchOptions
        {
            CredentialsProvider = credentials.Handler,
            TagFetchMode = TagFetchMode.None,
            Prune = true,
            OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
        };
        try
        {
            // Branches and tags both, so `ref` may name either (or a commit reachable from them).
            Commands.Fetch(repository, FetchRequest.RemoteName,
                [$"+refs/heads/*:refs/remotes/{FetchRequest.RemoteName}/*", "+refs/tags/*:refs/tags/*"], options,
                logMessage: "sprocket-reconciler: fetch pulumi program");
            return null;
        }
        catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (LibGit2SharpException problem)
        {
            var refused = credentials.WereWithheld || credentials.WereRefused
                || GitFailureClassifier.ClassifyTransport(problem) == DesiredFetchFailureReason.Authentication;
            var message = (credentials.WereWithheld, refused) switch
            {
                (true, _) => $"Pulumi program repository {request.Location.Url} asked for credentials that were not sent: {credentials.WithheldReason}.",
                (_, true) when !credentials.AreConfigured && !string.IsNullOrEmpty(gitHub.Value.Token) =>
                    $"Pulumi program repository {request.Location.Url} refused access: Reconciler:GitHub:Token is offered only to the desired-state repository's host "
                    + $"({CredentialScope.Describe(desiredState.CurrentValue.Repository) ?? "none"}, over https): {problem.Message}",
                (_, true) => $"Pulumi program repository {request.Location.Url} refused {credentials.Origin}: {problem.Message}",
                _ => $"Cannot fetch Pulumi program repository {request.Location.Url}: {problem.Message}",
            };
            return new ProgramCheckoutResult.Failed(refused ? ApplyOutcome.Misconfigured : ApplyOutcome.Failed,
                SecretScrubber.Scrub(message, request.Secrets));
        }
    }

    private static Commit? ResolveRef(Repository repository, string reference)
    {
        foreach (var candidate in new[] { $"refs/remotes/{FetchRequest.RemoteName}/{reference}", $"refs/tags/{reference}" })
            if (repository.Refs[candidate] is not null)
                return repository.Lookup<Commit>(candidate + "^{commit}");
        return IsCommitId(reference) ? repository.Lookup<Commit>(reference) : null;
    }

    private static bool IsCommitId(string reference) =>
        reference.Length is >= 7 and <= 40 && reference.All(char.IsAsciiHexDigitLower);

    /// <summary>The full path of <paramref name="workDir"/>, or null (with why) when it leaves the checkout,
    /// passes through a symbolic link (which could point anywhere) or is not a directory.</summary>
    internal static string? ValidateWorkDirectory(string checkoutDirectory, string workDir, out string problem)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkoutDirectory));
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, workDir)));
        if (full != root && !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            problem = "leaves the program checkout";
            return null;
        }

        var current = root;
        foreach (var segment in Path.GetRelativePath(root, full).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
                continue;
            current = Path.Combine(current, segment);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null)
            {
                problem = "passes through a symbolic link";
                return null;
            }
            if (!info.Exists)
            {
                problem = "does not exist";
                return null;
            }
        }
        problem = "";
        return full;
    }

    private static ProgramSource Program(StackSpec stack) =>
        stack.Pulumi?.Program ?? throw new ArgumentException($"Stack {stack.Name} has no pulumi block.", nameof(stack));

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            // Retried on the next checkout.
        }
    }
}
