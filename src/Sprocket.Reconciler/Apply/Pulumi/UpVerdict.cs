namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The outcome of one <c>up</c>, a pure function of what it left behind. Two witnesses: the summaryEvent's
/// <c>result</c> (succeeded, failed, canceled; written since pulumi/pulumi v3.237.0, sdk/go/common/apitype/events.go)
/// and the exit code (all the Automation API looks at, and all an older CLI gives). Success needs both to agree
/// (a missing or unknown result counts as agreeing); a failure is classified by
/// <see cref="PulumiErrorClassifier"/>, and a <c>canceled</c> result names the reason when the exit code does not.
/// </summary>
internal static class UpVerdict
{
    public static (ApplyOutcome Outcome, string Message) Decide(
        PulumiCliResult result, UpObservation observed, bool interruptedForShutdown, bool timedOut, string scrubbedStderr)
    {
        var counts = observed.Summary is { } summary ? UpObservation.ChangeCounts(summary.ResourceChanges) : "no summaryEvent";
        if (timedOut)
            return (ApplyOutcome.Failed, $"pulumi up exceeded its time limit and was interrupted ({counts}){Cause(observed, scrubbedStderr)}");

        var reported = Reported(observed.Summary?.Result);
        if (result.ExitCode == 0 && reported is null or Result.Succeeded)
            return (ApplyOutcome.Succeeded, $"pulumi up succeeded: {counts}.");

        var facts = $"exit {result.ExitCode}, result {observed.Summary?.Result ?? "none"}, {counts}";
        if (interruptedForShutdown)
            return (ApplyOutcome.Cancelled, $"pulumi up was interrupted for shutdown ({facts}){Cause(observed, scrubbedStderr)}");

        // Exit 0 with a failed/canceled result: the text and the result say why; the exit code says nothing.
        var reason = result.ExitCode == 0 ? PulumiFailureReason.Other : PulumiErrorClassifier.Classify(result.ExitCode, scrubbedStderr);
        if (reason == PulumiFailureReason.Other && reported == Result.Canceled)
            reason = PulumiFailureReason.Cancelled;
        return (PulumiErrorClassifier.ToOutcome(reason), $"pulumi up failed ({reason}, {facts}){Cause(observed, scrubbedStderr)}");
    }

    private enum Result { Succeeded, Failed, Canceled }

    // apitype.OperationResult; a value this driver does not know is left to the exit code.
    private static Result? Reported(string? result) => result switch
    {
        "succeeded" => Result.Succeeded,
        "failed" => Result.Failed,
        "canceled" => Result.Canceled,
        _ => null,
    };

    private static string Cause(UpObservation observed, string scrubbedStderr)
    {
        var cause = observed.Errors.Count > 0
            ? string.Join(" | ", observed.Errors.Take(3))
            : PulumiErrorClassifier.Summarize(scrubbedStderr);
        return cause.Length == 0 ? "." : $": {cause}";
    }
}
