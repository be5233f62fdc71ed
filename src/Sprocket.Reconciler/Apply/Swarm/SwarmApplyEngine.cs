using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>
/// <c>engine: swarm</c>: writes each pinned image straight into its service spec (ServiceUpdate against the spec's
/// version, registry credentials attached), then waits until Swarm reports the update completed with every task
/// running. It never decides whether to apply and never throws for an outside failure. See README.md.
/// </summary>
public sealed class SwarmApplyEngine(
    IDockerClient docker,
    IOptionsMonitor<SwarmApplyOptions> options,
    IOptionsMonitor<RegistryOptions> registryOptions,
    TimeProvider time,
    ILogger<SwarmApplyEngine> logger) : IApplyEngine
{
    public const string EngineName = "swarm";

    public string Engine => EngineName;

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var stack = request.Stack.Name;
        Log.ApplyStarting(logger, stack, request.Tag, request.Mode, request.Images.Count, request.Trigger.Spell());
        void Report(string message)
        {
            Log.Progress(logger, stack, message);
            progress?.Report(new ApplyProgress(time.GetUtcNow(), message));
        }

        // Filled as updates go out, so that a cancelled or failed apply still records what it changed.
        var changes = new List<ServiceChange>();
        var updatesSent = 0;
        ApplyResult result;
        try
        {
            var services = await InspectAllAsync(request, cancellationToken);
            if (services.Missing is { } missing)
            {
                Log.ServiceMissing(logger, stack, missing.ServiceName, missing.ServiceId);
                // Failed, not Misconfigured: the loop matches services afresh on every evaluation, so a service gone
                // between observation and apply is a race the next observation resolves (as drift "missing", or with
                // the replacement's id), not something only a human can fix.
                result = new ApplyResult(ApplyOutcome.Failed,
                    $"{missing.ServiceName}: service {missing.ServiceId} no longer exists; nothing was updated", []);
            }
            else if (request.Mode == ApplyMode.Align)
            {
                result = await VerifyAlignedAsync(request, services.Found, changes, cancellationToken);
            }
            else
            {
                result = await DeployAsync(request, services.Found, changes, () => updatesSent++, Report, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Cancelled(logger, stack, updatesSent);
            result = new ApplyResult(ApplyOutcome.Cancelled,
                $"cancelled (daemon stopping) after {updatesSent} of {request.Images.Count} service updates were sent", [.. changes]);
        }
        catch (Exception exception)
        {
            var problem = DockerErrors.Describe(exception);
            Log.EngineError(logger, stack, problem, exception);
            result = new ApplyResult(ApplyOutcome.Failed, $"swarm apply failed: {problem}", [.. changes]);
        }

        Log.ApplyFinished(logger, stack, request.Tag, result.Outcome, time.GetElapsedTime(started), result.Message);
        return result;
    }

    public async Task<string?> ReadAppliedTagAsync(StackSpec stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        try
        {
            var services = await docker.Swarm.ListServicesAsync(new ServiceListParameters(), cancellationToken);
            var live = new List<LiveService>();
            foreach (var service in services)
            {
                if (!ImageReferenceParser.TryParse(service.Spec?.TaskTemplate?.ContainerSpec?.Image, out var image)) continue;
                live.Add(new LiveService(service.ID, service.Spec!.Name ?? service.ID, image, null, null, service.Version?.Index ?? 0,
                    AppliedTag: AppliedLabels.ReadTag(service.Spec.Labels)));
            }
            return AppliedLabels.AgreedInListing(stack, new LiveIndex(live));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ReadAppliedTagFailed(logger, stack.Name, DockerErrors.Describe(exception), exception);
            return null;
        }
    }

    /// <summary>The labels travel in every service listing, so the loop's own listing answers: no Docker call.</summary>
    public AppliedTagAnswer AppliedTagFromListing(StackSpec stack, LiveIndex live)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(live);
        return AppliedTagAnswer.Known(AppliedLabels.AgreedInListing(stack, live));
    }

    private sealed record MissingService(string ServiceName, string ServiceId);

    private sealed record InspectedServices(IReadOnlyList<(PinnedImage Image, SwarmService Service)> Found, MissingService? Missing);

    /// <summary>Reads every service before changing any, so a vanished service stops the apply before the stack is half updated.</summary>
    private async Task<InspectedServices> InspectAllAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var found = new List<(PinnedImage, SwarmService)>();
        foreach (var image in request.Images)
        {
            var service = await InspectByIdOrNameAsync(image, cancellationToken);
            if (service is null) return new InspectedServices(found, new MissingService(image.ServiceName, image.ServiceId));
            found.Add((image, service));
        }
        return new InspectedServices(found, null);
    }

    private async Task<SwarmService?> InspectByIdOrNameAsync(PinnedImage image, CancellationToken cancellationToken)
    {
        // The id is what the loop observed; the name covers a service Pulumi replaced under the same name since.
        foreach (var key in new[] { image.ServiceId, image.ServiceName }.Where(key => !string.IsNullOrWhiteSpace(key)).Distinct())
        {
            try
            {
                return await docker.Swarm.InspectServiceAsync(key, cancellationToken);
            }
            catch (Exception exception) when (DockerErrors.IsNotFound(exception))
            {
                // Try the next key.
            }
        }
        return null;
    }

    private async Task<ApplyResult> DeployAsync(
        ApplyRequest request,
        IReadOnlyList<(PinnedImage Image, SwarmService Service)> services,
        List<ServiceChange> changes,
        Action countUpdate,
        Action<string> report,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var registry = registryOptions.CurrentValue;
        var updater = new ServiceImageUpdater(docker, logger);
        var targets = new List<ConvergenceTarget>();

        foreach (var (image, service) in services)
        {
            var imageBefore = SpecImage.Of(service);
            if (imageBefore is not null && SpecImage.Runs(imageBefore, image))
            {
                Log.AlreadyPinned(logger, request.Stack.Name, image.ServiceName, imageBefore);
                report($"{image.ServiceName}: already at {image.Digest}; no update sent");
                changes.Add(new ServiceChange(image.ServiceName, imageBefore, imageBefore));
                targets.Add(new ConvergenceTarget(image, service.ID, UpdatedByUs: false));
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var auth = RegistryAuthentication.For(image.Repository, registry);
            if (auth is not null) Log.RegistryAuthAttached(logger, request.Stack.Name, image.ServiceName, auth.ServerAddress ?? "");
            var sent = await updater.UpdateAsync(service, image, request, auth, settings.MaxVersionConflictRetries, report, cancellationToken);
            if (sent is null)
            {
                report($"{image.ServiceName}: someone else already updated it to {image.Digest}; no update sent");
                changes.Add(new ServiceChange(image.ServiceName, imageBefore, image.Reference));
                targets.Add(new ConvergenceTarget(image, service.ID, UpdatedByUs: false));
                continue;
            }

            countUpdate();
            Log.UpdateSent(logger, request.Stack.Name, image.ServiceName, sent.ImageBefore, image.Reference, sent.Version);
            report($"{image.ServiceName}: update sent (version {sent.Version}): {sent.ImageBefore} -> {image.Reference}");
            changes.Add(new ServiceChange(image.ServiceName, sent.ImageBefore, image.Reference));
            targets.Add(new ConvergenceTarget(image, service.ID, UpdatedByUs: true));
        }

        var waiter = new ConvergenceWaiter(docker, time);
        var states = await waiter.WaitAsync(targets, settings.ConvergenceTimeout, settings.PollInterval,
            (target, state) => report($"{target.Image.ServiceName}: {state.RunningTasks}/{state.DesiredTasks} tasks running (update state {state.UpdateState ?? "none"})"),
            (target, exception) => Log.ConvergenceLookFailed(logger, request.Stack.Name, target.Image.ServiceName, DockerErrors.Describe(exception)),
            cancellationToken);
        return Verdict(request, targets, states, settings.ConvergenceTimeout, [.. changes]);
    }

    private ApplyResult Verdict(
        ApplyRequest request,
        IReadOnlyList<ConvergenceTarget> targets,
        IReadOnlyDictionary<ConvergenceTarget, ConvergenceState> states,
        TimeSpan timeout,
        IReadOnlyList<ServiceChange> changes)
    {
        var stack = request.Stack.Name;
        var rolledBack = new List<string>();
        var onCall = new List<string>();
        var failed = new List<string>();
        foreach (var target in targets)
        {
            var name = target.Image.ServiceName;
            var state = states[target];
            switch (state.Phase)
            {
                case ConvergencePhase.Converged:
                    Log.Converged(logger, stack, name, state.RunningTasks, state.DesiredTasks);
                    break;
                case ConvergencePhase.RolledBack:
                    Log.RolledBack(logger, stack, name, state.UpdateMessage, state.TaskError);
                    rolledBack.Add($"{name}: Swarm rolled the update to {target.Image.Tag} back ({state.UpdateMessage})"
                        + (state.TaskError is null ? "" : $"; task error: {state.TaskError}"));
                    break;
                case ConvergencePhase.RolledBackByOnCall:
                    Log.RolledBackByOnCall(logger, stack, name, state.UpdateMessage);
                    onCall.Add($"{name}: the on-call rolled the update to {target.Image.Tag} back while it rolled out ({state.UpdateMessage}); "
                        + $"an emergency rollback, {target.Image.Tag} is not retried");
                    break;
                case ConvergencePhase.Paused:
                    Log.Paused(logger, stack, name, state.UpdateMessage, state.TaskError);
                    failed.Add($"{name}: Swarm paused the update to {target.Image.Tag} ({state.UpdateMessage})"
                        + (state.TaskError is null ? "" : $"; task error: {state.TaskError}"));
                    break;
                case ConvergencePhase.Removed:
                    failed.Add($"{name}: the service was removed while the update rolled out");
                    break;
                case ConvergencePhase.LookFailed:
                    failed.Add($"{name}: the engine answered the convergence check with an error: {state.UpdateMessage}");
                    break;
                default:
                    Log.ConvergenceTimedOut(logger, stack, name, timeout, state.Describe());
                    failed.Add($"{name}: not converged within {timeout} ({state.Describe()})");
                    break;
            }
        }

        // A rollback outranks other failures: it is the one outcome that must stop the loop retrying this tag.
        if (rolledBack.Count > 0)
            return new ApplyResult(ApplyOutcome.RolledBack, string.Join("; ", rolledBack.Concat(onCall).Concat(failed)), changes);
        // The on-call's rollback outranks the other failures too: it is their decision the next pass must answer.
        if (onCall.Count > 0)
            return new ApplyResult(ApplyOutcome.RolledBackByOnCall, string.Join("; ", onCall.Concat(failed)), changes);
        if (failed.Count > 0)
            return new ApplyResult(ApplyOutcome.Failed, string.Join("; ", failed), changes);
        var updated = changes.Count(change => change.ImageBefore != change.ImageAfter);
        return new ApplyResult(ApplyOutcome.Succeeded,
            $"{request.Tag} runs on all {targets.Count} services ({updated} updated, {targets.Count - updated} already there)", changes);
    }

    /// <summary>Align changes nothing in Swarm (the on-call already put the tag there); it only confirms the services
    /// run the pinned digests and have settled, so the record is true.</summary>
    private async Task<ApplyResult> VerifyAlignedAsync(
        ApplyRequest request,
        IReadOnlyList<(PinnedImage Image, SwarmService Service)> services,
        List<ServiceChange> changes,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (image, service) in services)
        {
            var live = SpecImage.Of(service);
            changes.Add(new ServiceChange(image.ServiceName, live, live));
            if (!SpecImage.Runs(live, image))
            {
                problems.Add($"{image.ServiceName}: runs {live}, not {image.Reference}");
                continue;
            }

            var tasks = await docker.Tasks.ListAsync(
                new TasksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [service.ID] = true } },
                },
                cancellationToken);
            var state = ConvergenceCheck.Evaluate(service, [.. tasks], image, updatedByUs: false);
            if (state.Phase != ConvergencePhase.Converged)
                problems.Add($"{image.ServiceName}: runs {image.Digest} but has not settled ({state.Describe()})");
        }

        return problems.Count == 0
            ? new ApplyResult(ApplyOutcome.Succeeded, $"{request.Tag} already runs on all {services.Count} services; recorded, nothing changed", [.. changes])
            : new ApplyResult(ApplyOutcome.Failed, string.Join("; ", problems), [.. changes]);
    }
}
