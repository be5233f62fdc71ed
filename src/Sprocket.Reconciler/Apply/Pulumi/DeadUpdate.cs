namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// Our own <c>pulumi up</c> that ended without finishing its update — killed (SIGKILL, the OOM killer, a second
/// signal) after it took the stack's lock (its preludeEvent) and before the engine wrote its summaryEvent. The DIY
/// backend releases the lock only when Update returns (pulumi/pulumi pkg/backend/diy/backend.go: <c>defer
/// b.Unlock</c>), and the journal has persisted every step begun as a pending operation (pkg/backend/snapshot.go), so
/// both stay behind. The daemon never clears them (a human judges the services first): these texts give the exact
/// command. <c>pulumi cancel</c> deletes every lock file of the stack on a DIY backend (pkg/backend/diy/backend.go,
/// CancelCurrentUpdate) as on Pulumi Cloud; the next <c>up --refresh</c> warns about the pending operations, reads the
/// live services back and drops all but pending creates (pkg/resource/deploy/deployment_executor.go,
/// pkg/backend/snapshot.go), which only <c>pulumi refresh --clear-pending-creates</c> removes
/// (pkg/cmd/pulumi/operations/refresh.go).
/// </summary>
internal static class DeadUpdate
{
    /// <summary>The update began (the lock was taken) and no summary came: the CLI did not finish it.</summary>
    public static bool Detect(PulumiCliResult result, UpObservation observed) =>
        observed.Started && observed.Summary is null && result.ExitCode != 0;

    /// <summary>What a human runs to clear the lock, where the daemon runs, with its PULUMI_BACKEND_URL.</summary>
    public static string CancelCommand(string stack, string workDirectory) =>
        $"pulumi cancel --yes --stack {stack} --cwd {workDirectory}";

    public static string ClearPendingCreatesCommand(string stack, string workDirectory) =>
        $"pulumi refresh --clear-pending-creates --yes --stack {stack} --cwd {workDirectory}";

    /// <summary>Right after our <c>up</c> died: what it left and what to run if the next try meets the lock.</summary>
    public static string Died(string stackName, string pulumiStack, string workDirectory, int processId, PulumiCliResult result, bool timedOut) =>
        $"pulumi up (pid {processId}) died before finishing its update ({HowItEnded(result, timedOut)}, no summaryEvent): "
        + $"it leaves the stack's lock and any step it had begun as a pending operation. "
        + $"If the next try meets that lock: check the services of {stackName} in Swarm, then run `{CancelCommand(pulumiStack, workDirectory)}` "
        + "with the daemon's PULUMI_BACKEND_URL. This daemon never runs pulumi cancel.";

    /// <summary>A later try met the lock of our dead run: the human step, exactly.</summary>
    public static string StillLocked(string stackName, string pulumiStack, string workDirectory, UpRunRecord dead, string holders) =>
        $"The stack is locked {holders}: this daemon's own pulumi up (pid {dead.ProcessId}, started {dead.StartedAt:O}, tag {dead.Tag}) died before "
        + $"finishing, and its lock will not go away by waiting. Check the services of {stackName} in Swarm, then run "
        + $"`{CancelCommand(pulumiStack, workDirectory)}` with the daemon's PULUMI_BACKEND_URL, and POST /api/v1/stacks/{stackName}/reconcile "
        + $"(or wait for the circuit's trial apply). The next up --refresh reads the live services back and drops the pending updates; "
        + $"a pending create stays until `{ClearPendingCreatesCommand(pulumiStack, workDirectory)}`.";

    private static string HowItEnded(PulumiCliResult result, bool timedOut)
    {
        // .NET reports a child ended by signal N as exit code 128 + N.
        var how = result.ExitCode > 128 ? $"killed by signal {result.ExitCode - 128}" : $"exit {result.ExitCode}";
        return timedOut ? how + " after it exceeded its time limit and was signalled" : how;
    }
}
