namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The outcome of one <c>up</c>, a pure function of what it left behind. The exit code is authoritative, as in
/// the Automation API (the real summaryEvent has no result field); a <c>result</c> of "failed", when a CLI
/// writes one, also fails the run. Failed exits go through <see cref="PulumiErrorClassifier"/>.
/// </summary>
internal static class UpVerdict
{
    public static (ApplyOutcome Outcome, string Message) Decide(
        PulumiCliResult result, UpObservation observed, bool interruptedForShutdown, bool timedOut, string scrubbedStderr)
    {
        var counts = observed.Summary is { } summary ? UpObservation.ChangeCounts(summary.ResourceChanges) : "no summaryEvent";
        if (timedOut)
            return (ApplyOutcome.Failed, $"pulumi up exceeded its time limit and was interrupted ({counts}){Cause(observed, scrubbedStderr)}");

        if (result.ExitCode == 0 && observed.Summary?.Result is null or "succeeded")
            return (ApplyOutcome.Succeeded, $"pulumi up succeeded: {counts}.");
        if (result.ExitCode == 0)
            return (ApplyOutcome.Failed, $"pulumi up reported result '{observed.Summary!.Result}' ({counts}){Cause(observed, scrubbedStderr)}");

        var reason = PulumiErrorClassifier.Classify(result.ExitCode, scrubbedStderr);
        if (interruptedForShutdown)
            return (ApplyOutcome.Cancelled, $"pulumi up was interrupted for shutdown (exit {result.ExitCode}, {counts}){Cause(observed, scrubbedStderr)}");
        var outcome = PulumiErrorClassifier.ToOutcome(reason);
        return (outcome, $"pulumi up failed ({reason}, exit {result.ExitCode}, {counts}){Cause(observed, scrubbedStderr)}");
    }

    private static string Cause(UpObservation observed, string scrubbedStderr)
    {
        var cause = observed.Errors.Count > 0
            ? string.Join(" | ", observed.Errors.Take(3))
            : PulumiErrorClassifier.Summarize(scrubbedStderr);
        return cause.Length == 0 ? "." : $": {cause}";
    }
}
