using Docker.DotNet;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Swarm;

[Trait("Requires", "swarm")]
public sealed class SwarmApplyEngineTests(SeededDigests digests) : IClassFixture<SeededDigests>, IAsyncLifetime
{
    private readonly SwarmApplyHarness _h = new();

    private string WebRepository => $"{_h.Env.Registry}/{SeededImages.Web}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Deploy_pins_the_new_tag_at_its_digest_waits_until_it_runs_and_labels_the_spec()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);
        var engine = _h.Engine();

        var result = await engine.ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var after = await _h.Docker.SnapshotServiceAsync(before.Name);
        Assert.Equal($"{WebRepository}:{SeededImages.GitBbb}@{pinned.Digest}", after.SpecImage);
        Assert.Equal("completed", after.UpdateState);
        Assert.Equal(1, await _h.Docker.RunningTaskCountAsync(before.Name));
        var labels = await _h.LabelsAsync(before.Name);
        Assert.Equal(SeededImages.GitBbb, labels[AppliedLabels.Tag]);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", labels[AppliedLabels.Revision]);
        Assert.Equal([new ServiceChange(before.Name, before.SpecImage, pinned.Reference)], result.Changes);
        Assert.Contains($"{before.Name}: update sent (version {before.VersionIndex})", _h.ProgressText());
        Assert.Contains($"{before.Name}: 1/1 tasks running (update state completed)", _h.ProgressText());
        // Only the image and our labels changed: the rest of the spec went back as read.
        var spec = (await _h.Docker.InspectServiceAsync(before.Name)).GetProperty("Spec");
        Assert.Equal(1_000_000_000, spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec").GetProperty("StopGracePeriod").GetInt64());
        Assert.Equal(1_000_000_000, spec.GetProperty("UpdateConfig").GetProperty("Monitor").GetInt64());
    }

    [Fact]
    public async Task Deploy_updates_every_service_of_the_stack_and_the_labels_then_name_the_applied_tag()
    {
        var web = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var worker = await _h.CreateRunningServiceAsync("worker", _h.Env.Image(SeededImages.Worker, SeededImages.GitAaa));
        var stack = _h.Stack((WebRepository, "web"), ($"{_h.Env.Registry}/{SeededImages.Worker}", "worker"));
        var engine = _h.Engine();
        Assert.Null(await engine.ReadAppliedTagAsync(stack, CancellationToken.None));

        var result = await engine.ApplyAsync(SwarmApplyHarness.Request(stack, SeededImages.GitBbb, ApplyMode.Deploy,
            await digests.PinAsync(web.Name, web.Id, SeededImages.Web, SeededImages.GitBbb),
            await digests.PinAsync(worker.Name, worker.Id, SeededImages.Worker, SeededImages.GitBbb)), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith($"{_h.Env.Registry}/{SeededImages.Web}:{SeededImages.GitBbb}@sha256:", (await _h.Docker.SnapshotServiceAsync(web.Name)).SpecImage);
        Assert.StartsWith($"{_h.Env.Registry}/{SeededImages.Worker}:{SeededImages.GitBbb}@sha256:", (await _h.Docker.SnapshotServiceAsync(worker.Name)).SpecImage);
        Assert.Equal(2, result.Changes.Count(change => change.ImageBefore != change.ImageAfter));
        Assert.Equal(SeededImages.GitBbb, await engine.ReadAppliedTagAsync(stack, CancellationToken.None));
        // A restart is a new engine: the tag comes back from the labels, not from memory.
        Assert.Equal(SeededImages.GitBbb, await _h.Engine().ReadAppliedTagAsync(stack, CancellationToken.None));
    }

    [Fact]
    public async Task Deploy_of_the_digest_that_already_runs_sends_no_update()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitBbb));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(before.VersionIndex, (await _h.Docker.SnapshotServiceAsync(before.Name)).VersionIndex);
        Assert.Equal([new ServiceChange(before.Name, before.SpecImage, before.SpecImage)], result.Changes);
        Assert.Contains("no update sent", _h.ProgressText());
    }

    [Fact]
    public async Task A_version_conflict_from_a_concurrent_update_is_reread_and_retried()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);
        var docker = new InterferingDockerClient(DockerClientFactory.Create(_h.Env.DockerEndpoint),
            () => _h.Docker.RunAsync("service", "update", "--detach", "--quiet", "--label-add", "changed.by=someone-else", before.Name));

        var result = await _h.Engine(docker: docker).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(2, docker.Updates.Count);
        // What dockerd 20.10 answers a stale version with.
        var conflict = Assert.IsType<DockerApiException>(docker.Updates[0].Error);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, conflict.StatusCode);
        Assert.Contains("rpc error: code = Unknown desc = update out of sequence", conflict.ResponseBody);
        Assert.Equal((long)before.VersionIndex, docker.Updates[0].Version);
        Assert.Null(docker.Updates[1].Error);
        Assert.True(docker.Updates[1].Version > docker.Updates[0].Version);
        // The retry was built on the re-read spec: the other writer's change survives.
        Assert.Equal("someone-else", (await _h.LabelsAsync(before.Name))["changed.by"]);
        Assert.Equal(pinned.Reference, (await _h.Docker.SnapshotServiceAsync(before.Name)).SpecImage);
        Assert.Contains("is stale", _h.ProgressText());
    }

    [Fact]
    public async Task Version_conflicts_beyond_the_retry_limit_fail_the_apply()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);
        var docker = new InterferingDockerClient(DockerClientFactory.Create(_h.Env.DockerEndpoint),
            () => _h.Docker.RunAsync("service", "update", "--detach", "--quiet", "--label-add", "changed.by=someone-else", before.Name));

        var result = await _h.Engine(docker: docker, maxVersionConflictRetries: 0).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains("update out of sequence", result.Message);
        Assert.Single(docker.Updates);
        Assert.Equal(before.SpecImage, (await _h.Docker.SnapshotServiceAsync(before.Name)).SpecImage);
    }

    [Fact]
    public async Task A_failing_update_that_Swarm_rolls_back_is_RolledBack_naming_the_service_and_the_task_error()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "rollback");
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitDead);

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitDead, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Contains(before.Name, result.Message);
        Assert.Contains("task: non-zero exit (1)", result.Message);
        Assert.Contains($"{before.Name}: Swarm rolled the update to {SeededImages.GitDead} back", result.Message);
        // Swarm's own message while rolling back; a poll that first looks after the (fast) rollback finished reads the
        // generic "rollback completed" instead, which is why the task error is what the message must carry.
        Assert.True(result.Message.Contains("update rolled back due to failure", StringComparison.Ordinal)
            || result.Message.Contains("(rollback completed)", StringComparison.Ordinal), result.Message);
        var after = await _h.Docker.SnapshotServiceAsync(before.Name);
        Assert.Equal(before.SpecImage, after.SpecImage);
        Assert.StartsWith("rollback_", after.UpdateState);
        // The spec Swarm went back to carries the labels it had: our failed tag is not recorded as applied.
        Assert.False((await _h.LabelsAsync(before.Name)).ContainsKey(AppliedLabels.Tag));
    }

    [Fact]
    public async Task A_failing_update_that_Swarm_pauses_is_Failed_with_the_task_error()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "pause");
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitDead);

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitDead, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains($"{before.Name}: Swarm paused the update", result.Message);
        Assert.Contains("task: non-zero exit (1)", result.Message);
        Assert.Equal("paused", (await _h.Docker.SnapshotServiceAsync(before.Name)).UpdateState);
    }

    /// <summary>
    /// The engine decodes X-Registry-Auth as base64url only; a worker that cannot decode it pulls anonymously, the task is
    /// rejected and the update pauses. tests/env/swarm.sh gives the auth registry a password whose authconfig encodes
    /// with <c>+</c> and <c>/</c> in standard base64, so this pull works only if we really send base64url.
    /// </summary>
    [Fact]
    public async Task An_image_on_a_private_registry_is_pulled_with_credentials_whose_standard_base64_holds_plus_and_slash()
    {
        Assert.True(RegistryAuthEncoding.StandardBase64HoldsPlusOrSlash(_h.Env.AuthRegistryUser, _h.Env.AuthRegistryPassword, _h.Env.AuthRegistry),
            "the auth registry's password no longer makes the standard base64 of its authconfig hold + or /, so this test "
            + "would not catch a client sending standard base64; this environment predates that password: restart its registries (tests/env/swarm.sh down && up)");
        var repository = await PrivateRegistryImage.PushAsync(_h.Docker, "apply-" + _h.Scope.Prefix.TrimEnd('-'), SeededImages.GitBbb);
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "rollback");
        var pinned = new PinnedImage(before.Name, before.Id, repository, SeededImages.GitBbb, await digests.DigestAsync(repository, SeededImages.GitBbb));

        var result = await _h.Engine(withCredentials: true).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((repository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(pinned.Reference, (await _h.Docker.SnapshotServiceAsync(before.Name)).SpecImage);
        Assert.Equal(1, await _h.Docker.RunningTaskCountAsync(before.Name));
        Assert.DoesNotContain(_h.Env.AuthRegistryPassword, _h.AllLogText());
        Assert.DoesNotContain(_h.Env.AuthRegistryPassword, result.Message + _h.ProgressText());
    }

    [Fact]
    public async Task Without_credentials_the_private_pull_is_rejected_and_Swarm_rolls_back()
    {
        var repository = await PrivateRegistryImage.PushAsync(_h.Docker, "apply-" + _h.Scope.Prefix.TrimEnd('-'), SeededImages.GitBbb);
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "rollback");
        var pinned = new PinnedImage(before.Name, before.Id, repository, SeededImages.GitBbb, await digests.DigestAsync(repository, SeededImages.GitBbb));

        var result = await _h.Engine(withCredentials: false).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((repository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        // The worker's pull fails, the task is Rejected with "No such image: <ref>", and the failure action applies.
        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Contains($"task error: No such image: {pinned.Reference}", result.Message);
        Assert.Equal(before.SpecImage, (await _h.Docker.SnapshotServiceAsync(before.Name)).SpecImage);
    }

    [Fact]
    public async Task Without_credentials_the_private_pull_is_rejected_and_the_paused_update_is_Failed_naming_No_such_image()
    {
        var repository = await PrivateRegistryImage.PushAsync(_h.Docker, "apply-" + _h.Scope.Prefix.TrimEnd('-'), SeededImages.GitBbb);
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "pause");
        var pinned = new PinnedImage(before.Name, before.Id, repository, SeededImages.GitBbb, await digests.DigestAsync(repository, SeededImages.GitBbb));

        var result = await _h.Engine(withCredentials: false).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((repository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        // Swarm's own message only says "update paused due to failure or early termination of task …".
        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains($"{before.Name}: Swarm paused the update to {SeededImages.GitBbb}", result.Message);
        Assert.Contains($"task error: No such image: {pinned.Reference}", result.Message);
        Assert.Equal("paused", (await _h.Docker.SnapshotServiceAsync(before.Name)).UpdateState);
    }

    [Fact]
    public async Task Align_records_the_running_tag_without_any_update()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitAaa);

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitAaa, ApplyMode.Align, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([new ServiceChange(before.Name, before.SpecImage, before.SpecImage)], result.Changes);
        Assert.Equal(before.VersionIndex, (await _h.Docker.SnapshotServiceAsync(before.Name)).VersionIndex);
    }

    [Fact]
    public async Task Align_fails_when_the_service_does_not_run_the_pinned_digest()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Align, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains($"{before.Name}: runs {before.SpecImage}, not {pinned.Reference}", result.Message);
        Assert.Equal(before.VersionIndex, (await _h.Docker.SnapshotServiceAsync(before.Name)).VersionIndex);
    }

    [Fact]
    public async Task An_update_that_does_not_converge_in_time_is_Failed()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);

        var result = await _h.Engine(convergenceTimeout: TimeSpan.FromMilliseconds(300)).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains($"{before.Name}: not converged within 00:00:00.3000000", result.Message);
        // The update itself went out and is recorded.
        Assert.Equal([new ServiceChange(before.Name, before.SpecImage, pinned.Reference)], result.Changes);
    }

    [Fact]
    public async Task A_service_that_no_longer_exists_fails_the_apply_before_any_service_is_updated()
    {
        var web = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(web.Name, web.Id, SeededImages.Web, SeededImages.GitBbb);
        var gone = pinned with { ServiceName = _h.Scope.NameFor("gone"), ServiceId = "nosuchserviceid0000000000" };

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned, gone), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains($"{gone.ServiceName}: service {gone.ServiceId} no longer exists", result.Message);
        Assert.Equal(web.VersionIndex, (await _h.Docker.SnapshotServiceAsync(web.Name)).VersionIndex);
    }

    [Fact]
    public async Task An_unreachable_engine_is_Failed_not_thrown()
    {
        var pinned = await digests.PinAsync("web", "someid", SeededImages.Web, SeededImages.GitBbb);
        var nowhere = DockerClientFactory.Create(new Uri($"unix:///tmp/sprocket-no-engine-{Guid.NewGuid():N}.sock"));

        var result = await _h.Engine(docker: nowhere).ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), _h.ProgressSink, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.StartsWith("swarm apply failed:", result.Message);
        Assert.Empty(result.Changes);
    }

    [Fact]
    public async Task Cancellation_while_converging_is_Cancelled_after_the_update_was_sent_whole()
    {
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa));
        var pinned = await digests.PinAsync(before.Name, before.Id, SeededImages.Web, SeededImages.GitBbb);
        using var stopping = new CancellationTokenSource();
        var progress = new CancelOnProgress(stopping, message => message.Contains("update sent", StringComparison.Ordinal));

        var result = await _h.Engine().ApplyAsync(
            SwarmApplyHarness.Request(_h.Stack((WebRepository, "web")), SeededImages.GitBbb, ApplyMode.Deploy, pinned), progress, stopping.Token);

        Assert.Equal(ApplyOutcome.Cancelled, result.Outcome);
        Assert.Equal([new ServiceChange(before.Name, before.SpecImage, pinned.Reference)], result.Changes);
        Assert.Equal(pinned.Reference, (await _h.Docker.SnapshotServiceAsync(before.Name)).SpecImage);
    }

    private sealed class CancelOnProgress(CancellationTokenSource source, Func<string, bool> when) : IProgress<ApplyProgress>
    {
        public void Report(ApplyProgress value)
        {
            if (when(value.Message)) source.Cancel();
        }
    }
}
