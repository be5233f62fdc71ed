using System.Diagnostics;
using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Backend;
using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Commands;
using Sprocket.PulumiStandin.Registry;
using Sprocket.PulumiStandin.Swarm;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// `pulumi up` and `pulumi refresh`: under the stack lock, run the steps against the real Swarm, write the
/// event log, then state and a history entry. Returns the exit code (0, or 1 on failure or cancellation, as v3.259.0 does).
/// </summary>
public sealed class UpdateRunner(
    StackContext context,
    SwarmServices swarm,
    DigestResolver resolver,
    EventLogWriter log,
    Switches switches,
    CancellationSignals signals,
    TextWriter stdout,
    TextWriter stderr)
{
    private readonly Dictionary<string, int> _changes = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = context.Clock;

    /// <summary>Called right before the process kills itself (SPROCKET_STANDIN_CRASH), to record the call.</summary>
    public Action? BeforeCrash { get; init; }

    public async Task<int> UpAsync(bool refreshFirst, string execKind, string message)
    {
        var started = _clock.GetUtcNow();
        using var stackLock = context.Backend.AcquireLock(context.Project.Name, context.Stack, switches.Locked);
        var state = context.Backend.ReadState(context.Project.Name, context.Stack);
        state.Salt ??= context.Config.EncryptionSalt;
        stdout.WriteLine($"Updating ({context.Stack}):");
        log.Write("preludeEvent", new JsonObject { ["config"] = ConfigObject() });
        CarryPendingOperations(state);

        string? failure = null;
        try
        {
            await SleepIfSlowAsync();
            if (refreshFirst && !signals.IsCancelled) await RefreshResourcesAsync(state, countChanges: false);

            var stackOp = state.Find(state.StackUrn) is null ? "create" : "same";
            state.EnsureRootResources(_clock);
            var stackResource = state.Find(state.StackUrn)!;
            log.Write("resourcePreEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata(stackOp, state.StackUrn, "pulumi:pulumi:Stack",
                    stackOp == "create" ? null : stackResource, stackResource, changedImage: false, provider: ""),
            });

            failure = await ApplyServicesAsync(state);

            log.Write("resOutputsEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata(stackOp, state.StackUrn, "pulumi:pulumi:Stack",
                    stackOp == "create" ? null : stackResource, stackResource, changedImage: false, provider: ""),
            });
            Count(stackOp);
        }
        catch (CliException exception)
        {
            failure = exception.Message;
            log.Write("diagnosticEvent", StepEvents.Diagnostic(null, exception.Message, "error"));
        }

        return Finish(state, "update", started, execKind, message, failure);
    }

    /// <summary><paramref name="clearPendingCreates"/>: <c>--clear-pending-creates</c> removes pending creates first
    /// (pulumi/pulumi pkg/cmd/pulumi/operations/refresh.go, filterMapPendingCreates); other pending operations go as in any run.</summary>
    public async Task<int> RefreshAsync(string execKind, string message, bool clearPendingCreates = false)
    {
        var started = _clock.GetUtcNow();
        using var stackLock = context.Backend.AcquireLock(context.Project.Name, context.Stack, switches.Locked);
        var state = context.Backend.ReadState(context.Project.Name, context.Stack);
        stdout.WriteLine($"Refreshing ({context.Stack}):");
        log.Write("preludeEvent", new JsonObject { ["config"] = ConfigObject() });
        if (clearPendingCreates)
        {
            state.PendingOperations.RemoveAll(operation => operation["type"]?.ToString() == "creating");
            context.Backend.WriteState(context.Project.Name, context.Stack, state);
        }

        CarryPendingOperations(state);
        string? failure = null;
        try
        {
            if (state.Find(state.StackUrn) is not null) Count("same");
            await RefreshResourcesAsync(state, countChanges: true);
        }
        catch (CliException exception)
        {
            failure = exception.Message;
            log.Write("diagnosticEvent", StepEvents.Diagnostic(null, exception.Message, "error"));
        }

        return Finish(state, "refresh", started, execKind, message, failure);
    }

    private async Task<string?> ApplyServicesAsync(StackState state)
    {
        var desiredServices = ProgramEvaluator.Evaluate(context.Project, context.Stack, context.ConfigValues);
        for (var index = 0; index < desiredServices.Count; index++)
        {
            // After a cancel request nothing new starts; what already ran stays applied.
            if (signals.IsCancelled) return null;
            var desired = desiredServices[index];
            var urn = state.ServiceUrn(desired.LogicalName);
            ServicePlan plan;
            try
            {
                plan = ServicePlan.For(state, desired, await resolver.ResolveAsync(desired.Image, CancellationToken.None));
            }
            catch (CliException exception)
            {
                return FailResource(urn, null, exception.Message, state);
            }

            var proposed = plan.Proposed(state, _clock);
            log.Write("resourcePreEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata(plan.Op, urn, StackState.ServiceType, plan.Old, proposed, plan.ChangesImage, state.ProviderReference),
            });
            CrashIfAsked();

            if (switches.FailAfter is { } failAfter && index >= failAfter)
            {
                return FailResource(urn, plan,
                    $"updating urn:{urn}: 1 error occurred:\n\t* Error updating service: Error response from daemon: " +
                    "rpc error: code = Unknown desc = update out of sequence", state);
            }

            var outcome = await ApplyAsync(plan, state);
            if (outcome.Failure is not null) return FailResource(urn, plan, outcome.Failure, state, outcome.Applied);

            log.Write("resOutputsEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata(plan.Op, urn, StackState.ServiceType, plan.Old, outcome.Applied, plan.ChangesImage, state.ProviderReference),
            });
            Count(plan.Op);
        }

        return null;
    }

    private sealed record ApplyOutcome(JsonObject? Applied, string? Failure);

    private async Task<ApplyOutcome> ApplyAsync(ServicePlan plan, StackState state)
    {
        if (plan.Op == "same") return new ApplyOutcome(plan.Old, null);

        // The step's begin is journaled before the provider is called: a CLI killed from here on leaves it pending.
        var urn = state.ServiceUrn(plan.Desired.LogicalName);
        state.BeginOperation(plan.Proposed(state, _clock), plan.Op == "create" ? "creating" : "updating");
        context.Backend.WriteState(context.Project.Name, context.Stack, state);
        HangIfAsked(switches.HangWhile);

        var stateId = plan.Old?["id"]?.ToString();
        var live = (stateId is { Length: > 0 } ? await swarm.FindAsync(stateId, CancellationToken.None) : null)
                   ?? await swarm.FindAsync(plan.Desired.ServiceName, CancellationToken.None);
        string id;
        Convergence convergence;
        if (live is null)
        {
            id = await swarm.CreateAsync(plan.Desired, plan.ResolvedImage, CancellationToken.None);
            convergence = await swarm.WaitAsync(id, plan.ResolvedImage, plan.Desired.Replicas, null, created: true, switches.ConvergeTimeout);
        }
        else
        {
            id = live.ID!;
            var previousStart = live.UpdateStatus?.StartedAt;
            await swarm.UpdateImageAsync(live, plan.Desired, plan.ResolvedImage, CancellationToken.None);
            convergence = await swarm.WaitAsync(id, plan.ResolvedImage, plan.Desired.Replicas, previousStart, created: false, switches.ConvergeTimeout);
        }

        state.EndOperation(urn);
        if (!convergence.Succeeded)
        {
            // Like the provider, state keeps what was last applied successfully: the old resource.
            context.Backend.WriteState(context.Project.Name, context.Stack, state);
            return new ApplyOutcome(null, convergence.Message);
        }

        var applied = plan.Proposed(state, _clock, id);
        state.Upsert(applied);
        context.Backend.WriteState(context.Project.Name, context.Stack, state);
        return new ApplyOutcome(applied, null);
    }

    private string FailResource(string urn, ServicePlan? plan, string message, StackState state, JsonObject? applied = null)
    {
        log.Write("diagnosticEvent", StepEvents.Diagnostic(urn, message, "error"));
        var op = plan?.Op ?? "update";
        log.Write("resOpFailedEvent", new JsonObject
        {
            ["metadata"] = StepEvents.Metadata(op, urn, StackState.ServiceType, plan?.Old, applied ?? plan?.Proposed(state, _clock), plan?.ChangesImage ?? false, state.ProviderReference),
            ["status"] = 0,
            ["steps"] = 0,
        });
        stderr.WriteLine($"  {StackState.ServiceType} ({urn.Split("::").Last()}):\n    error: {message}");
        return message;
    }

    /// <summary>Reads each service's live image into state (Pulumi refresh), emitting refresh steps.</summary>
    private async Task RefreshResourcesAsync(StackState state, bool countChanges)
    {
        foreach (var resource in state.Services.ToList())
        {
            var urn = resource["urn"]!.ToString();
            log.Write("resourcePreEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata("refresh", urn, StackState.ServiceType, resource, resource, false, state.ProviderReference),
            });
            var id = resource["id"]?.ToString() ?? "";
            var live = id.Length > 0 ? await swarm.FindAsync(id, CancellationToken.None) : null;
            if (live is null)
            {
                state.Remove(urn);
                log.Write("resOutputsEvent", new JsonObject
                {
                    ["metadata"] = StepEvents.Metadata("refresh", urn, StackState.ServiceType, resource, null, false, state.ProviderReference),
                });
                if (countChanges) Count("delete");
                continue;
            }

            var liveImage = live.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "";
            var changed = liveImage != StackState.ImageOf(resource);
            var refreshed = resource.DeepClone().AsObject();
            refreshed["inputs"]!["taskSpec"]!["containerSpec"]!["image"] = liveImage;
            refreshed["outputs"]!["taskSpec"]!["containerSpec"]!["image"] = liveImage;
            if (changed) state.Upsert(refreshed);
            log.Write("resOutputsEvent", new JsonObject
            {
                ["metadata"] = StepEvents.Metadata("refresh", urn, StackState.ServiceType, resource, refreshed, changed, state.ProviderReference),
            });
            if (countChanges) Count(changed ? "update" : "same");
        }

        context.Backend.WriteState(context.Project.Name, context.Stack, state);
    }

    private int Finish(StackState state, string kind, DateTimeOffset started, string execKind, string message, string? failure)
    {
        var ended = _clock.GetUtcNow();
        var cancelled = failure is null && signals.IsCancelled;
        var result = failure is null && !cancelled ? "succeeded" : "failed";
        // A graceful cancel ends the engine with BailErrorf("canceled") (v3.259.0 pkg/resource/deploy/
        // deployment_executor.go), which is not context.Canceled: OperationResultFromError says "failed".
        log.Write("summaryEvent", StepEvents.Summary(_changes, ended - started, isPreview: false, result));
        log.Write("cancelEvent", new JsonObject());
        context.Backend.WriteState(context.Project.Name, context.Stack, state);
        context.Backend.AppendHistory(context.Project.Name, context.Stack, new UpdateRecord(
            Version: 0,
            Kind: kind,
            StartTime: started.ToUnixTimeSeconds(),
            EndTime: ended.ToUnixTimeSeconds(),
            Message: message,
            Environment: new Dictionary<string, string> { ["exec.kind"] = execKind },
            Config: context.ConfigValues,
            Result: result,
            ResourceChanges: _changes), state);

        stdout.WriteLine();
        stdout.WriteLine("Resources:");
        foreach (var (op, count) in _changes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            stdout.WriteLine(op == "same" ? $"    {count} unchanged" : $"    {count} {Past(op)}");
        }

        stdout.WriteLine();
        stdout.WriteLine($"Duration: {(int)(ended - started).TotalSeconds}s");
        if (cancelled)
        {
            stderr.WriteLine($"error: {kind} canceled");
            return ExitCodes.Error; // a bail error: ExitCodeFor gives 1, not ExitCancelled (8)
        }

        if (failure is not null)
        {
            stderr.WriteLine($"error: {kind} failed");
            return ExitCodes.Error; // a bail error; ExitResourceError (4) is not wired in v3.259.0
        }

        return 0;
    }

    private JsonObject ConfigObject() =>
        new(context.ConfigValues.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));

    private void Count(string op) => _changes[op] = _changes.GetValueOrDefault(op) + 1;

    private static string Past(string op) => op switch
    {
        "create" => "created",
        "update" => "updated",
        "delete" => "deleted",
        _ => op,
    };

    private async Task SleepIfSlowAsync()
    {
        if (switches.SlowUp <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(switches.SlowUp, _clock, signals.Token);
        }
        catch (OperationCanceledException)
        {
            // Cancelled by SIGINT/SIGTERM: the update winds down gracefully.
        }
    }

    /// <summary>
    /// A previous run's pending operations: the engine warns (pulumi/pulumi pkg/resource/deploy/deployment_executor.go,
    /// printPendingOperationsWarning; its text) and goes on, and the new snapshot keeps only the pending creates
    /// (pkg/backend/snapshot.go) — an interrupted update is resolved by the run itself, a create is not.
    /// </summary>
    private void CarryPendingOperations(StackState state)
    {
        var previous = state.PendingOperations.ToList();
        if (previous.Count == 0) return;
        var listed = string.Concat(previous.Select(operation => $"  * {operation["resource"]?["urn"]}, interrupted while {operation["type"]}\n"));
        var warning = $"Attempting to deploy or update resources with {previous.Count} pending operations from previous deployment.\n" + listed +
                      "These resources are in an unknown state because the Pulumi CLI was interrupted while waiting for changes to these resources to " +
                      "complete. You should confirm whether or not the operations listed completed successfully by checking the state of the appropriate " +
                      "provider. For example, if you are using AWS, you can confirm using the AWS Console.\n\n" +
                      "Once you have confirmed the status of the interrupted operations, you can repair your stack using `pulumi refresh` which will " +
                      "refresh the state from the provider you are using and clear the pending operations if there are any.\n\n" +
                      "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations.";
        log.Write("diagnosticEvent", StepEvents.Diagnostic(null, warning, "warning"));
        stdout.WriteLine("warning: " + warning);
        state.KeepOnlyPendingCreates(previous);
        context.Backend.WriteState(context.Project.Name, context.Stack, state);
    }

    /// <summary>SPROCKET_STANDIN_HANG_WHILE=FILE: the provider call of a changing step hangs while FILE exists. A graceful
    /// cancel waits for the steps in flight (pulumi/pulumi pkg/backend/cancellation_scope.go: the first signal cancels the
    /// context, the engine lets running steps end), so only a second signal (terminate) or a kill ends it early.</summary>
    private static void HangIfAsked(string? file)
    {
        if (file is null) return;
        while (File.Exists(file)) Thread.Sleep(50);
    }

    private void CrashIfAsked()
    {
        if (!switches.Crash) return;
        BeforeCrash?.Invoke();
        // SIGKILL, as when the CLI is killed: no summary, no cancelEvent, the lock file stays behind.
        Process.GetCurrentProcess().Kill();
    }
}
