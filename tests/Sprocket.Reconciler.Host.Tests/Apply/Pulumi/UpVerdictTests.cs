using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

public sealed class UpVerdictTests
{
    private static readonly string[] ServiceUpdate =
    [
        """{"sequence":0,"timestamp":1,"preludeEvent":{"config":{"platform:image-tag":"sha-bbbbbbb"}}}""",
        """{"sequence":1,"timestamp":1,"resourcePreEvent":{"metadata":{"op":"update","urn":"urn:pulumi:prod::platform::docker:index/service:Service::web","type":"docker:index/service:Service","old":{"type":"docker:index/service:Service","urn":"u","id":"svc1","parent":"","inputs":{"name":"prod-web-1a2b","taskSpec":{"containerSpec":{"image":"reg/web:sha-aaaaaaa@sha256:aa"}}},"outputs":{},"provider":""},"new":{"type":"docker:index/service:Service","urn":"u","id":"svc1","parent":"","inputs":{"name":"prod-web-1a2b","taskSpec":{"containerSpec":{"image":"reg/web:sha-bbbbbbb"}}},"outputs":{},"provider":""},"provider":""}}}""",
        """{"sequence":2,"timestamp":2,"resOutputsEvent":{"metadata":{"op":"update","urn":"urn:pulumi:prod::platform::docker:index/service:Service::web","type":"docker:index/service:Service","old":{"type":"docker:index/service:Service","urn":"u","id":"svc1","parent":"","inputs":{"name":"prod-web-1a2b","taskSpec":{"containerSpec":{"image":"reg/web:sha-aaaaaaa@sha256:aa"}}},"outputs":{},"provider":""},"new":{"type":"docker:index/service:Service","urn":"u","id":"svc1","parent":"","inputs":{},"outputs":{"name":"prod-web-1a2b","taskSpec":{"containerSpec":{"image":"reg/web:sha-bbbbbbb@sha256:bb"}}},"provider":""},"provider":""}}}""",
        """{"sequence":3,"timestamp":3,"summaryEvent":{"maybeCorrupt":false,"durationSeconds":2,"resourceChanges":{"update":1,"same":1},"PolicyPacks":{}}}""",
        """{"sequence":4,"timestamp":3,"cancelEvent":{}}""",
    ];

    [Fact]
    public void Exit_zero_with_a_summary_is_success_and_records_the_service_change()
    {
        var observed = Observe(ServiceUpdate);

        var (outcome, message) = UpVerdict.Decide(Exit(0), observed, interruptedForShutdown: false, timedOut: false, "");

        Assert.Equal(ApplyOutcome.Succeeded, outcome);
        Assert.Contains("same=1, update=1", message);
        var change = Assert.Single(observed.Changes);
        Assert.Equal(new ServiceChange("prod-web-1a2b", "reg/web:sha-aaaaaaa@sha256:aa", "reg/web:sha-bbbbbbb@sha256:bb"), change);
        Assert.True(observed.Cancelled);
    }

    [Fact]
    public void A_failed_step_with_a_failing_exit_is_failed_and_names_the_error()
    {
        var observed = Observe(
        [
            """{"sequence":1,"timestamp":1,"diagnosticEvent":{"message":"docker:index/service:Service web: update failed: task failed\n","color":"never","severity":"error"}}""",
            """{"sequence":2,"timestamp":1,"resOpFailedEvent":{"metadata":{"op":"update","urn":"urn:pulumi:prod::platform::docker:index/service:Service::web","type":"docker:index/service:Service","provider":""},"status":1,"steps":0}}""",
            """{"sequence":3,"timestamp":2,"summaryEvent":{"maybeCorrupt":false,"durationSeconds":4,"resourceChanges":{},"PolicyPacks":{}}}""",
        ]);

        var (outcome, message) = UpVerdict.Decide(Exit(255, "error: update failed\n"), observed, false, false, "error: update failed\n");

        Assert.Equal(ApplyOutcome.Failed, outcome);
        Assert.Contains("update failed: task failed", message);
        Assert.Single(observed.FailedSteps);
    }

    [Fact]
    public void A_summary_result_of_failed_fails_even_with_exit_zero() =>
        Assert.Equal(ApplyOutcome.Failed, UpVerdict.Decide(Exit(0),
            Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{},"result":"failed"}}"""]), false, false, "").Outcome);

    [Fact]
    public void A_lock_conflict_is_locked_and_an_interrupt_for_shutdown_is_cancelled()
    {
        var stderr = "error: the stack is currently locked by 1 lock(s).";
        Assert.Equal(ApplyOutcome.Locked, UpVerdict.Decide(Exit(255, stderr), new UpObservation(), false, false, stderr).Outcome);
        Assert.Equal(ApplyOutcome.Cancelled, UpVerdict.Decide(Exit(8, "error: update canceled"), new UpObservation(), true, false, "error: update canceled").Outcome);
        Assert.Equal(ApplyOutcome.Failed, UpVerdict.Decide(Exit(8, "error: update canceled"), new UpObservation(), false, false, "error: update canceled").Outcome);
    }

    // summaryEvent.result exists since pulumi/pulumi v3.237.0 (sdk/go/common/apitype/events.go, OperationResult).
    [Fact]
    public void A_summary_result_of_succeeded_with_exit_zero_is_success() =>
        Assert.Equal(ApplyOutcome.Succeeded, UpVerdict.Decide(Exit(0),
            Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{"same":2},"result":"succeeded"}}"""]), false, false, "").Outcome);

    [Fact]
    public void A_summary_result_of_canceled_is_the_cancelled_reason_whatever_the_exit_code()
    {
        var observed = Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{},"result":"canceled"}}"""]);

        var (outcome, message) = UpVerdict.Decide(Exit(1), observed, false, false, "");
        var (shutdownOutcome, _) = UpVerdict.Decide(Exit(1), observed, interruptedForShutdown: true, false, "");

        Assert.Equal(ApplyOutcome.Failed, outcome);
        Assert.Contains("(Cancelled, exit 1, result canceled", message, StringComparison.Ordinal);
        Assert.Equal(ApplyOutcome.Cancelled, shutdownOutcome);
    }

    [Fact]
    public void A_summary_result_of_succeeded_does_not_hide_a_failing_exit()
    {
        // e.g. the state could not be saved after the engine finished: the exit code still counts.
        var observed = Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{"update":1},"result":"succeeded"}}"""]);

        var (outcome, message) = UpVerdict.Decide(Exit(1, "error: could not write checkpoint\n"), observed, false, false, "error: could not write checkpoint\n");

        Assert.Equal(ApplyOutcome.Failed, outcome);
        Assert.Contains("result succeeded", message, StringComparison.Ordinal);
        Assert.Contains("could not write checkpoint", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_this_driver_does_not_know_falls_back_to_the_exit_code() =>
        Assert.Equal(ApplyOutcome.Succeeded, UpVerdict.Decide(Exit(0),
            Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{},"result":"skipped"}}"""]), false, false, "").Outcome);

    [Fact]
    public void An_older_cli_without_result_exiting_255_is_classified_by_its_text()
    {
        // CLIs before v3.226.0 exit 255 (os.Exit(-1)) for every failure and before v3.237.0 write no result.
        var observed = Observe(["""{"sequence":1,"timestamp":1,"summaryEvent":{"resourceChanges":{},"PolicyPacks":{}}}"""]);
        var stderr = "error: the stack is currently locked by 1 lock(s).";

        Assert.Equal(ApplyOutcome.Locked, UpVerdict.Decide(Exit(255, stderr), observed, false, false, stderr).Outcome);
        Assert.Equal(ApplyOutcome.Failed, UpVerdict.Decide(Exit(255, "error: update failed"), observed, false, false, "error: update failed").Outcome);
    }

    [Fact]
    public void Exceeding_the_time_limit_fails_whatever_the_exit() =>
        Assert.Equal(ApplyOutcome.Failed, UpVerdict.Decide(Exit(0), Observe(ServiceUpdate), false, timedOut: true, "").Outcome);

    private static UpObservation Observe(IEnumerable<string> lines)
    {
        var observed = new UpObservation();
        foreach (var line in lines)
            observed.Observe(EngineEventParser.ParseLine(line)!);
        return observed;
    }

    private static PulumiCliResult Exit(int code, string stderr = "") => new(code, "", stderr, TimeSpan.FromSeconds(1));
}
