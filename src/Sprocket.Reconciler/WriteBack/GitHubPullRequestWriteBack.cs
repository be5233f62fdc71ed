using System.Text;
using Microsoft.Extensions.Options;
using Octokit;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// <c>writeBack: pull-request</c> through Octokit: a branch <c>reconciler/realign-&lt;stack&gt;-&lt;tag&gt;</c> from the
/// desired-state branch head, one commit changing only the stack's <c>imageTag</c> line (Contents API, so GitHub
/// builds the commit on exactly the blob we read), and a pull request whose body is a ready incident note.
/// <para>
/// One pull request per incident: an open one of ours for the stack (branch prefix plus the hidden marker) is
/// reused. If the live tag changed again, a new commit on OUR branch moves it to the new tag and the title and
/// body are rewritten; nothing is force-pushed, so the pull request keeps its history and review. The one forced
/// ref update is of a leftover branch of ours with no open pull request (a run that died before opening one),
/// which is reset to the base head before use. The base branch is only ever read.
/// </para>
/// </summary>
internal sealed class GitHubPullRequestWriteBack(
    IOptionsMonitor<DesiredStateOptions> desiredStateOptions,
    IOptionsMonitor<GitHubOptions> gitHubOptions,
    IOptionsMonitor<GitHubApiOptions> apiOptions,
    GitHubClientFactory clients,
    IOptionsMonitor<WriteBackOptions> writeBackOptions,
    TimeProvider timeProvider) : IWriteBack
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<WriteBackResult> WriteAsync(WriteBackRequest request, CancellationToken cancellationToken)
    {
        var desired = desiredStateOptions.CurrentValue;
        var token = gitHubOptions.CurrentValue.Token;
        if (GitHubRepository.TryParse(desired.Repository, allowPlainHttp: true) is not { } repository)
            return new WriteBackResult.Failed(
                $"writeBack: pull-request needs the desired-state repository as a GitHub https URL; {RepositoryUrl.Shown(desired.Repository.Trim())} is not one.");
        if (string.IsNullOrEmpty(token))
            return new WriteBackResult.Failed("writeBack: pull-request needs Reconciler:GitHub:Token (contents and pull requests: write).");

        var client = clients.Create(GitHubApiAddress.For(repository, apiOptions.CurrentValue.ApiUrl));
        var session = new Session(client, repository, desired.Branch, desired.Path, request,
            writeBackOptions.CurrentValue, timeProvider.GetUtcNow());
        try
        {
            return await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException problem)
        {
            return new WriteBackResult.Failed(SecretScrubber.Scrub(
                $"GitHub answered {(int)problem.StatusCode} for {repository.FullName}: {problem.Message}", [token]));
        }
        catch (HttpRequestException problem)
        {
            return new WriteBackResult.Failed(SecretScrubber.Scrub($"GitHub is unreachable for {repository.FullName}: {problem.Message}", [token]));
        }
        catch (DecoderFallbackException)
        {
            return new WriteBackResult.Failed($"{desired.Path} in {repository.FullName} is not valid UTF-8.");
        }
    }

    private sealed class Session(
        IGitHubClient client, GitHubRepository repository, string baseBranch, string path,
        WriteBackRequest request, WriteBackOptions identity, DateTimeOffset now)
    {
        private string Owner => repository.Owner;

        private string Name => repository.Name;

        public async Task<WriteBackResult> RunAsync(CancellationToken cancellationToken)
        {
            // GET /branches/{branch} rather than Octokit's git/refs/{ref}, which GitHub answers with a list of
            // prefix matches when no ref matches exactly.
            var baseHead = (await client.Repository.Branch.Get(Owner, Name, baseBranch).ConfigureAwait(false)).Commit.Sha;
            cancellationToken.ThrowIfCancellationRequested();
            var baseFile = await ReadFileAsync(baseHead).ConfigureAwait(false);
            switch (ImageTagEdit.Replace(path, baseFile.Text, request.Stack, request.GoodTag))
            {
                case ImageTagEditResult.Unchanged:
                    return new WriteBackResult.NothingToDo(
                        $"{baseBranch} of {repository.FullName} already names {request.GoodTag} for stack {request.Stack} at {baseHead}");
                case ImageTagEditResult.Failed failed:
                    return new WriteBackResult.Failed($"Cannot edit {path} at {baseHead}: {failed.Message}");
                case ImageTagEditResult.Edited edited when edited.PreviousTag != request.BadTag:
                    return new WriteBackResult.Superseded(edited.PreviousTag, baseHead);
                case ImageTagEditResult.Edited edited:
                    cancellationToken.ThrowIfCancellationRequested();
                    return await FindOpenPullRequestAsync().ConfigureAwait(false) is { } open
                        ? await UpdateAsync(open, cancellationToken).ConfigureAwait(false)
                        : await OpenAsync(baseHead, baseFile.Sha, edited.Text, cancellationToken).ConfigureAwait(false);
                default:
                    throw new InvalidOperationException("Unknown ImageTagEdit result.");
            }
        }

        private async Task<WriteBackResult> OpenAsync(string baseHead, string baseBlobSha, string editedText, CancellationToken cancellationToken)
        {
            var branch = RealignBranch.For(request.Stack, request.GoodTag);
            try
            {
                await client.Git.Reference.Create(Owner, Name, new NewReference("refs/heads/" + branch, baseHead)).ConfigureAwait(false);
            }
            catch (ApiValidationException problem) when (problem.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                // Ours, and no open pull request uses it (looked for above): a leftover of an earlier attempt.
                await client.Git.Reference.Update(Owner, Name, "heads/" + branch, new ReferenceUpdate(baseHead, force: true)).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await CommitAsync(branch, baseBlobSha, editedText).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var created = await client.PullRequest.Create(Owner, Name, new NewPullRequest(IncidentNote.PullRequestTitle(request), branch, baseBranch)
            {
                Body = IncidentNote.PullRequestBody(request, path, now, previousGoodTag: null),
            }).ConfigureAwait(false);
            return new WriteBackResult.PullRequestReady(created.Number, created.HtmlUrl, branch, PullRequestAction.Opened);
        }

        private async Task<WriteBackResult> UpdateAsync(PullRequest open, CancellationToken cancellationToken)
        {
            var branch = open.Head.Ref;
            var headFile = await ReadFileAsync(branch).ConfigureAwait(false);
            switch (ImageTagEdit.Replace(path, headFile.Text, request.Stack, request.GoodTag))
            {
                case ImageTagEditResult.Unchanged:
                    return new WriteBackResult.PullRequestReady(open.Number, open.HtmlUrl, branch, PullRequestAction.AlreadyOpen);
                case ImageTagEditResult.Failed failed:
                    return new WriteBackResult.Failed($"Cannot edit {path} on {branch} (pull request #{open.Number}): {failed.Message}");
                case ImageTagEditResult.Edited edited:
                    cancellationToken.ThrowIfCancellationRequested();
                    await CommitAsync(branch, headFile.Sha, edited.Text).ConfigureAwait(false);
                    await client.PullRequest.Update(Owner, Name, open.Number, new PullRequestUpdate
                    {
                        Title = IncidentNote.PullRequestTitle(request),
                        Body = IncidentNote.PullRequestBody(request, path, now, previousGoodTag: edited.PreviousTag),
                    }).ConfigureAwait(false);
                    return new WriteBackResult.PullRequestReady(open.Number, open.HtmlUrl, branch, PullRequestAction.Updated);
                default:
                    throw new InvalidOperationException("Unknown ImageTagEdit result.");
            }
        }

        private async Task<PullRequest?> FindOpenPullRequestAsync()
        {
            var open = await client.PullRequest.GetAllForRepository(Owner, Name,
                new PullRequestRequest { State = ItemStateFilter.Open, Base = baseBranch }).ConfigureAwait(false);
            var marker = IncidentNote.PullRequestMarker(request.Stack);
            return open
                .Where(pull => pull.Head.Ref.StartsWith(RealignBranch.Prefix(request.Stack), StringComparison.Ordinal)
                    && string.Equals(pull.Head.Repository?.FullName, repository.FullName, StringComparison.OrdinalIgnoreCase)
                    && pull.Body?.Contains(marker, StringComparison.Ordinal) == true)
                .OrderBy(pull => pull.Number)
                .FirstOrDefault();
        }

        /// <summary>The file's exact bytes (BOM included, decoded strictly) and its blob sha at a ref.</summary>
        private async Task<(string Text, string Sha)> ReadFileAsync(string reference)
        {
            var contents = await client.Repository.Content.GetAllContentsByRef(Owner, Name, path, reference).ConfigureAwait(false);
            var file = contents.Count == 1 && contents[0].Type == ContentType.File
                ? contents[0]
                : throw new NotFoundException($"{path} is not a file at {reference}", System.Net.HttpStatusCode.NotFound);
            return (StrictUtf8.GetString(Convert.FromBase64String(file.EncodedContent)), file.Sha);
        }

        /// <summary>One commit on <paramref name="branch"/>, made by GitHub on top of the blob we read (its sha guards the race).</summary>
        private Task<RepositoryContentChangeSet> CommitAsync(string branch, string blobSha, string text) =>
            client.Repository.Content.UpdateFile(Owner, Name, path,
                new UpdateFileRequest(IncidentNote.CommitMessage(request, path, now),
                    Convert.ToBase64String(StrictUtf8.GetBytes(text)), blobSha, branch, convertContentToBase64: false)
                {
                    Author = new Committer(identity.AuthorName, identity.AuthorEmail, now),
                });
    }
}
