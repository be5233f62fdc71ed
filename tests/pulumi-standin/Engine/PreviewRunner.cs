using System.Diagnostics;
using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Backend;
using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Commands;
using Sprocket.PulumiStandin.Registry;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// `pulumi preview --json`: plans every step against state (no lock, no Swarm change) and prints one
/// PreviewDigest document (pkg/display/json.go): config, steps[{op, urn, provider, oldState, newState,
/// diffReasons, detailedDiff}], duration (nanoseconds), changeSummary. Empty diagnostics are omitted, as Go's
/// omitempty does.
/// </summary>
public sealed class PreviewRunner(StackContext context, DigestResolver resolver, EventLogWriter log, TimeProvider clock)
{
    public async Task<(int ExitCode, JsonObject Digest)> RunAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var state = context.Backend.ReadState(context.Project.Name, context.Stack);
        var config = new JsonObject(context.ConfigValues.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        log.Write("preludeEvent", new JsonObject { ["config"] = config.DeepClone() });
        var steps = new JsonArray();
        var summary = new Dictionary<string, int>(StringComparer.Ordinal);
        var diagnostics = new JsonArray();

        var stackOp = state.Find(state.StackUrn) is null ? "create" : "same";
        var stackResource = state.Find(state.StackUrn) ?? new JsonObject { ["urn"] = state.StackUrn, ["custom"] = false, ["type"] = "pulumi:pulumi:Stack" };
        steps.Add(Step(stackOp, state.StackUrn, "", stackOp == "create" ? null : stackResource, stackResource, false));
        Planning(stackOp, state.StackUrn, "pulumi:pulumi:Stack", stackOp == "create" ? null : stackResource, stackResource, false, "");
        summary[stackOp] = 1;

        try
        {
            foreach (var desired in ProgramEvaluator.Evaluate(context.Project, context.Stack, context.ConfigValues))
            {
                var plan = ServicePlan.For(state, desired, await resolver.ResolveAsync(desired.Image, CancellationToken.None));
                var proposed = plan.Proposed(state, clock);
                steps.Add(Step(plan.Op, plan.Urn, state.ProviderReference, plan.Old, proposed, plan.ChangesImage));
                Planning(plan.Op, plan.Urn, StackState.ServiceType, plan.Old, proposed, plan.ChangesImage, state.ProviderReference);
                summary[plan.Op] = summary.GetValueOrDefault(plan.Op) + 1;
            }
        }
        catch (CliException exception)
        {
            diagnostics.Add(new JsonObject { ["message"] = exception.Message + "\n", ["severity"] = "error" });
            log.Write("diagnosticEvent", StepEvents.Diagnostic(null, exception.Message, "error"));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        log.Write("summaryEvent", StepEvents.Summary(summary, elapsed, isPreview: true, diagnostics.Count > 0 ? "failed" : "succeeded"));
        log.Write("cancelEvent", new JsonObject());
        var digest = new JsonObject { ["config"] = config, ["steps"] = steps };
        if (diagnostics.Count > 0) digest["diagnostics"] = diagnostics;
        digest["duration"] = elapsed.Ticks * 100;
        digest["changeSummary"] = new JsonObject(summary.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        return (diagnostics.Count > 0 ? ExitCodes.Error : 0, digest);
    }

    private void Planning(string op, string urn, string type, JsonObject? old, JsonObject? proposed, bool changed, string provider)
    {
        var metadata = StepEvents.Metadata(op, urn, type, old, proposed, changed, provider);
        log.Write("resourcePreEvent", new JsonObject { ["metadata"] = metadata, ["planning"] = true });
    }

    /// <summary>PreviewStep: note its detailedDiff entries are {kind, inputDiff}, unlike engine events' {diffKind, inputDiff}.</summary>
    private static JsonObject Step(string op, string urn, string provider, JsonObject? old, JsonObject? proposed, bool changedImage)
    {
        var step = new JsonObject { ["op"] = op, ["urn"] = urn };
        if (provider.Length > 0) step["provider"] = provider;
        if (old is not null) step["oldState"] = old.DeepClone();
        if (proposed is not null) step["newState"] = proposed.DeepClone();
        if (changedImage) step["diffReasons"] = new JsonArray("taskSpec");
        step["detailedDiff"] = changedImage
            ? new JsonObject { [StepEvents.ImagePath] = new JsonObject { ["kind"] = "update", ["inputDiff"] = false } }
            : null;
        return step;
    }
}
