using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>engine: pulumi</c>. Deploy: checkout → (install) → stack select → config set KEY -- TAG → preview --json →
/// up --refresh with the event log followed. Align records what runs without ever changing it: after config set,
/// <c>refresh</c> reads the live (rolled-back) image into Pulumi state, <c>stack export</c> must show every pinned digest,
/// then preview and an up without <c>--refresh</c>. Never throws for an outside failure; never runs <c>pulumi cancel</c>
/// (see README.md, "Locks").
/// </summary>
internal sealed class PulumiApplyEngine(
    PulumiCli cli,
    PulumiProgramCheckout checkout,
    IOptions<PulumiOptions> options,
    IOptions<ReconcilerOptions> paths,
    TimeProvider timeProvider,
    ILogger<PulumiApplyEngine> logger) : IApplyEngine
{
    private readonly SemaphoreSlim _versionGate = new(1, 1);
    private bool _versionAccepted;

    public string Engine => "pulumi";

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        var stack = request.Stack;
        if (stack.Pulumi is not { } pulumi)
            return Result(request, ApplyOutcome.Misconfigured, $"Stack {stack.Name} has no pulumi block.");

        var gate = CloneDirectoryGates.For(checkout.DirectoryFor(stack));
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return Result(request, ApplyOutcome.Cancelled, "Shutdown before the apply started.");
        }

        try
        {
            return await ApplyUnderGateAsync(request, pulumi, progress, cancellationToken);
        }
        catch (PulumiCliUnavailableException problem)
        {
            return Result(request, ApplyOutcome.Misconfigured, cli.Scrub(problem.Message));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result(request, ApplyOutcome.Cancelled, "Shutdown before pulumi up started; nothing was applied.");
        }
        catch (IOException problem)
        {
            return Result(request, ApplyOutcome.Failed, cli.Scrub($"Local storage problem: {problem.Message}"));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Pulumi's state, not the Swarm, records what was applied: only <c>pulumi stack history</c> knows.</summary>
    public AppliedTagAnswer AppliedTagFromListing(StackSpec stack, LiveIndex live) => AppliedTagAnswer.AskEngine;

    /// <summary>Null only when the history names no succeeded update; a read that failed throws
    /// <see cref="AppliedTagUnreadableException"/> (see there why).</summary>
    public async Task<string?> ReadAppliedTagAsync(StackSpec stack, CancellationToken cancellationToken)
    {
        if (stack.Pulumi is not { } pulumi)
            return null;
        try
        {
            if (await CheckVersionAsync(cancellationToken) is { } versionProblem)
                throw Unreadable(stack.Name, nameof(ApplyOutcome.Misconfigured), versionProblem);

            var workDirectory = await WorkDirectoryForReadingAsync(stack, cancellationToken);
            var result = await cli.RunAsync(workDirectory, PulumiCommands.History(pulumi.Stack, options.Value.HistoryPageSize), cancellationToken);
            if (!result.Succeeded)
            {
                var stderr = cli.Scrub(result.StandardError);
                var problem = result.TimedOut
                    ? $"pulumi stack history exceeded {PulumiOptions.SectionName}:CommandTimeout ({options.Value.CommandTimeout})"
                    : $"exit {result.ExitCode}: {PulumiErrorClassifier.Summarize(stderr)}";
                throw Unreadable(stack.Name, PulumiErrorClassifier.Classify(result.ExitCode, stderr).ToString(), problem);
            }
            return StackHistory.Parse(result.StandardOutput).AppliedValue(StackHistory.QualifiedKey(pulumi.Project, pulumi.ConfigKey));
        }
        catch (Exception problem) when (problem is PulumiCliUnavailableException or FormatException or System.Text.Json.JsonException or IOException)
        {
            throw Unreadable(stack.Name, problem.GetType().Name, cli.Scrub(problem.Message));
        }
    }

    private AppliedTagUnreadableException Unreadable(string stackName, string reason, string problem)
    {
        Log.HistoryFailed(logger, stackName, reason, problem);
        return new AppliedTagUnreadableException($"reading the applied tag of {stackName} failed ({reason}): {problem}");
    }

    private async Task<ApplyResult> ApplyUnderGateAsync(ApplyRequest request, PulumiSpec pulumi, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        var stackName = request.Stack.Name;
        if (await CheckVersionAsync(cancellationToken) is { } versionProblem)
            return Result(request, ApplyOutcome.Misconfigured, versionProblem);

        // Read before the first command that takes the stack's lock (refresh for an align, up for a deploy): a lock
        // left by our own dead run must be told from anyone else's whichever command meets it.
        var previous = UpRunRecord.Read(UpRunRecord.PathFor(paths.Value.DataDirectory, stackName));
        if (previous is not null)
        {
            Log.OrphanedRun(logger, stackName, previous.ProcessId, previous.StartedAt);
            if (previous.IsStillRunning())
                return Result(request, ApplyOutcome.Locked,
                    $"A pulumi up started by an earlier run of this daemon (pid {previous.ProcessId}, {previous.StartedAt:O}) is still running; waiting for it.");
        }

        Report(progress, stackName, $"checking out {pulumi.Program.Repository} at {pulumi.Program.Ref}");
        var prepared = await checkout.PrepareAsync(request.Stack, cancellationToken);
        if (prepared is not ProgramCheckoutResult.Ready program)
        {
            var failed = (ProgramCheckoutResult.Failed)prepared;
            return Result(request, failed.Outcome, failed.Message);
        }

        if (program.NeedsInstall)
        {
            Log.Installing(logger, stackName, program.Commit);
            Report(progress, stackName, $"pulumi install for program commit {program.Commit}");
            if (await RunStepAsync(request, program.WorkDirectory, PulumiCommands.Install(), cancellationToken) is { } installFailure)
                return installFailure;
            PulumiProgramCheckout.MarkInstalled(program);
        }

        if (await RunStepAsync(request, program.WorkDirectory, PulumiCommands.SelectStack(pulumi.Stack), cancellationToken) is { } selectFailure)
            return selectFailure;
        if (await RunStepAsync(request, program.WorkDirectory, PulumiCommands.SetConfig(pulumi.Stack, pulumi.ConfigKey, request.Tag), cancellationToken) is { } configFailure)
            return configFailure;
        if (request.Mode == ApplyMode.Align && await RefreshForAlignAsync(request, pulumi, program, previous, progress, cancellationToken) is { } notAligned)
            return notAligned;

        Report(progress, stackName, "pulumi preview");
        var previewRun = await cli.RunAsync(program.WorkDirectory, PulumiCommands.Preview(pulumi.Stack), cancellationToken);
        var document = TryParsePreviewDocument(previewRun);
        var preview = document is null ? null : Summarize(document);
        if (!previewRun.Succeeded)
            return Failure(request, "preview", previewRun, preview);
        if (preview is not null)
            Report(progress, stackName, $"preview: {UpObservation.ChangeCounts(preview.ChangeSummary)}");
        if (request.Mode == ApplyMode.Align)
        {
            // Not left to the provider's diff rules: an align's up must not change what runs.
            var problem = document is null ? "pulumi preview printed no readable plan" : AlignPreviewGuard.Problem(document, request.Images);
            if (problem is not null)
                return Result(request, ApplyOutcome.Failed,
                    cli.Scrub($"the align's preview would change docker services ({problem}); pulumi up not run, nothing aligned"), preview);
        }

        return await UpAsync(request, pulumi, program, previous, preview, progress, cancellationToken);
    }

    /// <summary>
    /// An align records what runs and must never change it: <c>pulumi refresh</c> reads what runs into the state, the
    /// exported state must then name every pinned digest, and only then does an <c>up</c> without <c>--refresh</c>
    /// record the tag (program and state agree: no step touches Swarm). A rollback by the on-call before or during the
    /// refresh shows here as another image, and nothing more is run; one after it is never read by that up.
    /// </summary>
    private async Task<ApplyResult?> RefreshForAlignAsync(
        ApplyRequest request, PulumiSpec pulumi, ProgramCheckoutResult.Ready program, UpRunRecord? previous,
        IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        Report(progress, request.Stack.Name, "pulumi refresh (the align records what runs)");
        var refresh = await cli.RunAsync(program.WorkDirectory, PulumiCommands.Refresh(pulumi.Stack), cancellationToken);
        if (!refresh.Succeeded)
        {
            var stderr = cli.Scrub(refresh.StandardError);
            if (refresh.TimedOut || PulumiErrorClassifier.ToOutcome(PulumiErrorClassifier.Classify(refresh.ExitCode, stderr)) != ApplyOutcome.Locked)
                return Failure(request, "refresh", refresh, preview: null);
            // Refresh is the align's first command to take the lock: the same rule as for up decides whose it is.
            var (outcome, message) = LockConflict(request.Stack.Name, pulumi.Stack, program.WorkDirectory, previous, stderr,
                $"pulumi refresh: {PulumiErrorClassifier.Summarize(stderr)}");
            return Result(request, outcome, cli.Scrub(message));
        }
        var export = await cli.RunAsync(program.WorkDirectory, PulumiCommands.Export(pulumi.Stack), cancellationToken);
        if (!export.Succeeded)
            return Failure(request, "stack export", export, preview: null);
        string? mismatch;
        try
        {
            mismatch = PulumiStateImages.Mismatch(PulumiStateImages.Parse(export.StandardOutput), request.Images);
        }
        catch (System.Text.Json.JsonException problem)
        {
            return Result(request, ApplyOutcome.Failed, cli.Scrub($"pulumi stack export printed no readable state: {problem.Message}"));
        }
        return mismatch is null ? null
            : Result(request, ApplyOutcome.Failed, cli.Scrub($"what runs is not {request.Tag} any more ({mismatch}); nothing aligned, nothing applied"));
    }

    private async Task<ApplyResult> UpAsync(
        ApplyRequest request, PulumiSpec pulumi, ProgramCheckoutResult.Ready program, UpRunRecord? previous, PreviewSummary? preview,
        IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        var stackName = request.Stack.Name;
        var recordPath = UpRunRecord.PathFor(paths.Value.DataDirectory, stackName);

        var eventLog = Path.Combine(Path.GetDirectoryName(recordPath)!, $"{stackName}-{Guid.NewGuid():N}.events.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(eventLog)!);
        var refresh = request.Mode == ApplyMode.Deploy;
        Report(progress, stackName, $"pulumi up{(refresh ? " --refresh" : "")} with {pulumi.ConfigKey}={request.Tag}");

        using var run = cli.Start(program.WorkDirectory, PulumiCommands.Up(pulumi.Stack, eventLog, refresh));
        new UpRunRecord(run.ProcessId, timeProvider.GetUtcNow(), request.Tag, pulumi.Stack).Write(recordPath);
        var observed = new UpObservation();
        var (interruptedForShutdown, timedOut) = await FollowAsync(run, new EventLogTail(eventLog), observed, stackName, progress, cancellationToken);
        var result = await run.Completion;
        TryDelete(eventLog);

        var stderr = cli.Scrub(result.StandardError);
        var (outcome, message) = UpVerdict.Decide(result, observed, interruptedForShutdown, timedOut, stderr);
        if (DeadUpdate.Detect(result, observed))
        {
            // The record stays: it is how the next try tells this run's lock from anyone else's.
            outcome = ApplyOutcome.Failed;
            message = DeadUpdate.Died(stackName, pulumi.Stack, program.WorkDirectory, run.ProcessId, result, timedOut);
            Log.DeadUpdate(logger, stackName, run.ProcessId, DeadUpdate.CancelCommand(pulumi.Stack, program.WorkDirectory));
        }
        else if (!observed.Started && previous is not null)
        {
            // This run never got the lock (or never began): whatever the earlier run left is still there.
            previous.Write(recordPath);
        }
        else
        {
            UpRunRecord.Remove(recordPath);
        }

        if (outcome == ApplyOutcome.Locked)
            (outcome, message) = LockConflict(stackName, pulumi.Stack, program.WorkDirectory, previous, stderr, message);
        message = cli.Scrub(message);

        Log.ApplyFinished(logger, stackName, request.Mode.ToString(), request.Tag, outcome.ToString(), message);
        return new ApplyResult(outcome, message, observed.Changes, preview);
    }

    /// <summary>
    /// Someone holds the lock. Another process's lock is waited for (Locked: the loop retries); the lock of our own run
    /// that died is not (a human must clear it: Misconfigured, with the command). A lock naming no one (Pulumi Cloud)
    /// while a run of ours is unaccounted for is taken to be ours: waiting could last forever.
    /// </summary>
    private (ApplyOutcome Outcome, string Message) LockConflict(
        string stackName, string pulumiStack, string workDirectory, UpRunRecord? previous, string stderr, string verdict)
    {
        var holders = StackLockHolders.Parse(stderr);
        var described = StackLockHolders.Describe(holders);
        var ours = previous is not null
            && (holders.Count == 0 || StackLockHolders.AnyHeldBy(holders, previous.ProcessId, System.Environment.MachineName));
        if (ours)
        {
            var human = DeadUpdate.StillLocked(stackName, pulumiStack, workDirectory, previous!, described);
            Log.DeadUpdate(logger, stackName, previous!.ProcessId, DeadUpdate.CancelCommand(pulumiStack, workDirectory));
            return (ApplyOutcome.Misconfigured, human);
        }

        Log.StackLocked(logger, stackName, described);
        return (ApplyOutcome.Locked, $"The stack is locked {described}; waiting for it (this daemon never runs pulumi cancel). {verdict}");
    }

    /// <summary>
    /// Polls the event log until <c>up</c> exits. Shutdown does not stop <c>up</c> unless configured to
    /// (then SIGINT, Pulumi's own graceful cancel); the time limit interrupts, then escalates.
    /// </summary>
    private async Task<(bool InterruptedForShutdown, bool TimedOut)> FollowAsync(
        PulumiRun run, EventLogTail tail, UpObservation observed, string stackName, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = timeProvider.GetTimestamp();
        var interruptedForShutdown = false;
        var shutdownNoticed = false;
        var escalation = 0;
        long escalatedAt = 0;

        while (!run.Completion.IsCompleted)
        {
            Drain(tail.ReadNew(), observed, stackName, progress);

            if (cancellationToken.IsCancellationRequested && !shutdownNoticed)
            {
                shutdownNoticed = true;
                if (settings.InterruptUpOnShutdown)
                {
                    Log.SignallingUp(logger, stackName, "SIGINT", run.ProcessId, "daemon shutdown");
                    interruptedForShutdown = run.Interrupt();
                }
                else
                {
                    Log.WaitingForUpOnShutdown(logger, stackName, run.ProcessId);
                }
            }

            var elapsed = timeProvider.GetElapsedTime(started);
            if (escalation == 0 && elapsed > settings.UpTimeout)
            {
                Log.SignallingUp(logger, stackName, "SIGINT", run.ProcessId, $"exceeded {settings.UpTimeout}");
                run.Interrupt();
                (escalation, escalatedAt) = (1, timeProvider.GetTimestamp());
            }
            else if (escalation > 0 && timeProvider.GetElapsedTime(escalatedAt) > settings.InterruptGrace)
            {
                if (escalation == 1)
                {
                    Log.SignallingUp(logger, stackName, "SIGTERM", run.ProcessId, "still running after SIGINT");
                    run.Terminate();
                }
                else if (escalation == 2)
                {
                    Log.SignallingUp(logger, stackName, "SIGKILL", run.ProcessId, "still running after SIGTERM; the stack may stay locked");
                    run.Kill();
                }
                (escalation, escalatedAt) = (escalation + 1, timeProvider.GetTimestamp());
            }

            // Deliberately not cancellable: the update runs to its end whatever the daemon does.
            await Task.WhenAny(run.Completion, Task.Delay(settings.EventLogPollInterval, timeProvider, CancellationToken.None));
        }

        Drain(tail.ReadRemaining(), observed, stackName, progress);
        return (interruptedForShutdown, escalation > 0);
    }

    private void Drain(IReadOnlyList<EngineEvent> events, UpObservation observed, string stackName, IProgress<ApplyProgress>? progress)
    {
        foreach (var engineEvent in events)
            if (observed.Observe(engineEvent) is { } line)
                Report(progress, stackName, line);
    }

    private async Task<ApplyResult?> RunStepAsync(ApplyRequest request, string workDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(workDirectory, arguments, cancellationToken);
        return result.Succeeded ? null : Failure(request, PulumiCli.Verb(arguments), result, preview: null);
    }

    private ApplyResult Failure(ApplyRequest request, string verb, PulumiCliResult result, PreviewSummary? preview)
    {
        var stderr = cli.Scrub(result.StandardError);
        var reason = PulumiErrorClassifier.Classify(result.ExitCode, stderr);
        var cause = PulumiErrorClassifier.Summarize(stderr);
        if (cause.Length == 0 && preview is not null)
            cause = string.Join(" | ", preview.Diagnostics.Where(diagnostic => diagnostic.StartsWith("error", StringComparison.Ordinal)).Take(3));
        var summary = result.TimedOut
            ? $"pulumi {verb} exceeded {PulumiOptions.SectionName}:CommandTimeout ({options.Value.CommandTimeout})."
            : cli.Scrub($"pulumi {verb} failed ({reason}, exit {result.ExitCode}): {cause}");
        Log.CommandFailed(logger, request.Stack.Name, verb, reason.ToString(), summary);
        return Result(request, result.TimedOut ? ApplyOutcome.Failed : PulumiErrorClassifier.ToOutcome(reason), summary, preview);
    }

    private PreviewSummary Summarize(PreviewDocument document)
    {
        var summary = document.ToSummary();
        return summary with { Diagnostics = summary.Diagnostics.Select(cli.Scrub).ToList() };
    }

    private static PreviewDocument? TryParsePreviewDocument(PulumiCliResult previewRun)
    {
        try
        {
            return PreviewDocument.Parse(previewRun.StandardOutput);
        }
        catch (Exception problem) when (problem is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private async Task<string?> CheckVersionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _versionAccepted))
            return null;
        await _versionGate.WaitAsync(cancellationToken);
        try
        {
            if (_versionAccepted)
                return null;
            // `version` needs no project; the data directory is simply a folder we own (made on first use).
            var dataDirectory = Directory.CreateDirectory(Path.GetFullPath(paths.Value.DataDirectory)).FullName;
            var result = await cli.RunAsync(dataDirectory, PulumiCommands.Version(), cancellationToken);
            var problem = result.Succeeded
                ? PulumiVersion.Problem(result.StandardOutput)
                : cli.Scrub($"'pulumi version' failed (exit {result.ExitCode}): {PulumiErrorClassifier.Summarize(result.StandardError)}");
            if (problem is not null)
            {
                // Not remembered: the operator may install a newer CLI without restarting the daemon.
                Log.VersionRejected(logger, problem);
                return problem;
            }
            Log.VersionAccepted(logger, result.StandardOutput.Trim());
            _versionAccepted = true;
            return null;
        }
        finally
        {
            _versionGate.Release();
        }
    }

    private async Task<string> WorkDirectoryForReadingAsync(StackSpec stack, CancellationToken cancellationToken)
    {
        // History only needs the project file: reuse the tree as it is rather than fetch on every read.
        var existing = checkout.ExistingWorkDirectory(stack);
        if (existing is not null)
            return existing;
        var gate = CloneDirectoryGates.For(checkout.DirectoryFor(stack));
        await gate.WaitAsync(cancellationToken);
        try
        {
            switch (await checkout.PrepareAsync(stack, cancellationToken))
            {
                case ProgramCheckoutResult.Ready ready:
                    return ready.WorkDirectory;
                case ProgramCheckoutResult.Failed failed:
                    throw Unreadable(stack.Name, failed.Outcome.ToString(), failed.Message);
                default:
                    throw Unreadable(stack.Name, "Checkout", "the program checkout gave no work directory");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private void Report(IProgress<ApplyProgress>? progress, string stackName, string message)
    {
        var scrubbed = cli.Scrub(message);
        Log.Progress(logger, stackName, scrubbed);
        progress?.Report(new ApplyProgress(timeProvider.GetUtcNow(), scrubbed));
    }

    private ApplyResult Result(ApplyRequest request, ApplyOutcome outcome, string message, PreviewSummary? preview = null)
    {
        Log.ApplyFinished(logger, request.Stack.Name, request.Mode.ToString(), request.Tag, outcome.ToString(), message);
        return new ApplyResult(outcome, message, [], preview);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // An event log left behind is only disk space.
        }
    }
}
