using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.State;

/// <summary>
/// Rows written before hold reasons, write-back kinds and the rollback seen were typed load into the types, and saving
/// them again writes the very same text: an upgrade neither loses a hold nor rewrites what an older daemon can read.
/// </summary>
public sealed class StoredStateRowsTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("sprocket-state-rows-").FullName;

    // Exactly what the string-typed StackRuntimeState serialised to (captured from the previous build).
    private const string EmergencyHoldWithPullRequest =
        """{"desiredTagSeen":"git-bbb2222","hold":{"reason":"emergency-rollback","message":"held: on-call rolled back","since":"2026-11-30T09:15:00+00:00","manual":false},"consecutiveFailures":0,"notBefore":null,"lastFailure":null,"refusedTag":null,"rollbackSeenForTag":"git-bbb2222","incident":{"badTag":"git-bbb2222","goodTag":"git-aaa1111","services":[{"name":"prod-web-1","fromImage":"ghcr.io/s/web:git-bbb2222","toImage":"ghcr.io/s/web:git-aaa1111","toTag":"git-aaa1111","toDigest":"sha256:aaa","rollbackStartedAt":"2026-11-30T09:15:00+00:00","rollbackCompletedAt":"2026-11-30T09:16:00+00:00"}],"detectedAt":"2026-11-30T09:15:00+00:00","liveKey":"prod-web-1=sha256:aaa@x","stableSince":"2026-11-30T09:16:00+00:00","writeBack":{"kind":"pull-request","reference":"https://github.com/o/r/pull/7","at":"2026-11-30T09:21:00+00:00"}}}""";

    private const string ManualHoldAnsweredThroughResume =
        """{"desiredTagSeen":"git-ccc3333","hold":{"reason":"manual","message":"held through the API by ops","since":"2026-11-30T09:15:00+00:00","manual":true},"consecutiveFailures":2,"notBefore":"2026-11-30T09:15:00+00:00","lastFailure":"boom","refusedTag":"git-ccc3333","rollbackSeenForTag":"","incident":null}""";

    private const string FailedUpdateHoldAnsweredRollback =
        """{"desiredTagSeen":"git-ddd4444","hold":{"reason":"failed-update-rollback","message":"held","since":"2026-11-30T09:15:00+00:00","manual":false},"consecutiveFailures":0,"notBefore":null,"lastFailure":null,"refusedTag":null,"rollbackSeenForTag":"answered:prod-web-1@2026-11-30T09:15:00.0000000\u002B00:00","incident":null}""";

    private const string DriftHoldWithCommit =
        """{"desiredTagSeen":"git-eee5555","hold":{"reason":"drift","message":"held","since":"2026-11-30T09:15:00+00:00","manual":false},"consecutiveFailures":0,"notBefore":null,"lastFailure":null,"refusedTag":null,"rollbackSeenForTag":null,"incident":{"badTag":"git-bbb2222","goodTag":"git-aaa1111","services":[{"name":"prod-web-1","fromImage":"ghcr.io/s/web:git-bbb2222","toImage":"ghcr.io/s/web:git-aaa1111","toTag":"git-aaa1111","toDigest":"sha256:aaa","rollbackStartedAt":"2026-11-30T09:15:00+00:00","rollbackCompletedAt":"2026-11-30T09:16:00+00:00"}],"detectedAt":"2026-11-30T09:15:00+00:00","liveKey":"prod-web-1=sha256:aaa@x","stableSince":"2026-11-30T09:16:00+00:00","writeBack":{"kind":"commit","reference":"abc123","at":"2026-11-30T09:15:00+00:00"}}}""";

    public static TheoryData<string> OldRows => [EmergencyHoldWithPullRequest, ManualHoldAnsweredThroughResume, FailedUpdateHoldAnsweredRollback, DriftHoldWithCommit];

    private StateDatabase Open() => StateDatabase.Open(_directory, StateMigrations.All, TimeProvider.System);

    [Fact]
    public void An_emergency_hold_being_realigned_through_a_pull_request_loads_typed()
    {
        var state = LoadRow(EmergencyHoldWithPullRequest);

        Assert.Equal(HoldReason.EmergencyRollback, state.Hold!.Reason);
        Assert.Equal(RollbackSeen.WhileGitNames("git-bbb2222"), state.RollbackSeen);
        Assert.Equal(WriteBackKind.PullRequest, state.Incident!.WriteBack!.Kind);
        Assert.Equal("https://github.com/o/r/pull/7", state.Incident.WriteBack.Reference);
    }

    [Fact]
    public void A_manual_hold_with_a_rollback_answered_through_resume_loads_typed()
    {
        var state = LoadRow(ManualHoldAnsweredThroughResume);

        Assert.Equal(new StackHold(HoldReason.Manual, "held through the API by ops", At, Manual: true), state.Hold);
        Assert.Equal(RollbackSeen.AnsweredThroughResume, state.RollbackSeen);
        Assert.Equal(2, state.ConsecutiveFailures);
    }

    [Fact]
    public void A_failed_update_hold_with_an_answered_rollback_loads_its_identity()
    {
        var state = LoadRow(FailedUpdateHoldAnsweredRollback);

        Assert.Equal(HoldReason.FailedUpdateRollback, state.Hold!.Reason);
        Assert.Equal(RollbackSeen.Answered("prod-web-1@2026-11-30T09:15:00.0000000+00:00"), state.RollbackSeen);
    }

    [Theory]
    [InlineData("git-bbb2222", null)]
    [InlineData("git-bbb2222", "prod-web-1@2026-11-30T09:15:00.0000000+00:00;prod-worker-1@2026-11-30T09:15:01.0000000+00:00")]
    public void An_unanswered_rollback_keeps_its_identity_across_a_restart(string tag, string? identity)
    {
        var seen = RollbackSeen.WhileGitNames(tag, identity);

        var text = RollbackSeenJsonConverter.Encode(seen);

        Assert.Equal(seen, RollbackSeenJsonConverter.Decode(text));
        Assert.Equal(identity is null ? tag : $"{tag}|{identity}", text);
    }

    [Fact]
    public void A_drift_hold_with_a_commit_written_back_loads_typed()
    {
        var state = LoadRow(DriftHoldWithCommit);

        Assert.Equal(HoldReason.Drift, state.Hold!.Reason);
        Assert.Null(state.RollbackSeen);
        Assert.Equal(WriteBackKind.Commit, state.Incident!.WriteBack!.Kind);
    }

    [Theory]
    [MemberData(nameof(OldRows))]
    public void Saving_a_loaded_row_writes_the_same_text(string row)
    {
        var state = LoadRow(row);

        new StackStateStore(Open()).Save("web-prod", state, At);

        Assert.Equal(row, ReadRow());
    }

    private StackRuntimeState LoadRow(string json)
    {
        using (var connection = Open().OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO stack_state (stack, state, updated_at) VALUES ('web-prod', $state, '2026-11-30T09:15:00Z');";
            command.Parameters.AddWithValue("$state", json);
            command.ExecuteNonQuery();
        }

        return new StackStateStore(Open()).LoadAll()["web-prod"];
    }

    private string ReadRow()
    {
        using var connection = Open().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM stack_state WHERE stack = 'web-prod';";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
