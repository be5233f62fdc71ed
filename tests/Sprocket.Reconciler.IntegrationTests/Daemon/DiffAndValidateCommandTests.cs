using System.Text.Json;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The one-shot commands (README.md, "CLI") as a script or CI runs them: <c>diff</c> against a real repository and Swarm
/// (exit 0 in sync, 3 drifted), <c>validate FILE [--resolve]</c> (exit 0 valid, 2 rejected, naming line and field).
/// </summary>
public sealed class DiffAndValidateCommandTests : IDisposable
{
    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;
    private readonly OpenRegistry _registry = new(TestEnvironment.Current.Registry);
    private readonly ScratchDirectory _scratch = new();

    private string WebRepository => $"{_environment.Registry}/{SeededImages.Web}";

    private string WorkerRepository => $"{_environment.Registry}/{SeededImages.Worker}";

    [Fact]
    public async Task Diff_exits_0_when_synced_and_3_when_drifted_and_prints_every_service()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var worker = await scope.CreateServiceAsync("worker-service-5d6e7f8", _environment.Image(SeededImages.Worker, SeededImages.GitAaa));
        // diff is one shot: a service whose task has not started yet is still rolling out, not synced.
        foreach (var service in new[] { web, worker })
            await Eventually.Until(async () => await scope.Docker.RunningTaskCountAsync(service) >= 1, TimeSpan.FromSeconds(60), service + " running");
        var name = scope.Prefix + "diff";
        var repository = await WorkRepository.InitAsync(_scratch.Combine("desired"));
        await repository.CommitFileAsync(DesiredStateYaml.FileName, DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitAaa,
            new DesiredService(WebRepository, scope.Prefix + "web-service*"),
            new DesiredService(WorkerRepository, scope.Prefix + "worker-service*"))));
        string[] configuration = [$"--Reconciler:DesiredState:Repository={repository.Directory}", $"--Reconciler:DataDirectory={_scratch.Combine("data")}"];

        var synced = await ReconcilerCommand.RunAsync(["diff", .. configuration]);
        Assert.True(synced.ExitCode == 0, synced.ToString());
        Assert.Matches(TableRow(name, "synced", web, SeededImages.GitAaa, "none"), synced.StandardOutput);
        Assert.Matches(TableRow(name, "synced", worker, SeededImages.GitAaa, "none"), synced.StandardOutput);

        var json = await ReconcilerCommand.RunAsync(["diff", "--json", .. configuration]);
        Assert.True(json.ExitCode == 0, json.ToString());
        var documents = JsonSerializer.Deserialize<List<StackView>>(json.StandardOutput, StackView.ContractOptions)!;
        var document = Assert.Single(documents);
        Assert.Equal((name, "synced", SeededImages.GitAaa), (document.Name, document.Status, document.Desired.ImageTag));
        Assert.Equal([web, worker], document.Services.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(document.Services, s => Assert.Equal((SeededImages.GitAaa, "none"), (s.LiveTag, s.Drift)));

        await scope.Docker.UpdateImageAsync(worker, _environment.Image(SeededImages.Worker, SeededImages.GitCcc));
        var drifted = await ReconcilerCommand.RunAsync(["diff", .. configuration]);
        Assert.True(drifted.ExitCode == 3, drifted.ToString());
        Assert.Matches(TableRow(name, "drifted", web, SeededImages.GitAaa, "none"), drifted.StandardOutput);
        Assert.Matches(TableRow(name, "drifted", worker, SeededImages.GitCcc, "manual-change"), drifted.StandardOutput);
        Assert.Contains(SeededImages.GitCcc, drifted.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_exits_0_for_a_valid_file_and_2_naming_line_and_field_for_an_invalid_one()
    {
        var stack = new DesiredStack("validated", SeededImages.GitAaa, new DesiredService(WebRepository, "prod-web*"));
        var valid = await WriteAsync("valid.yaml", DesiredStateYaml.Render(stack));
        var invalid = await WriteAsync("invalid.yaml", DesiredStateYaml.Render(stack.WithTag("latest")));

        var accepted = await ReconcilerCommand.RunAsync("validate", valid);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("valid (1 stack(s), 1 managed service(s))", accepted.StandardOutput, StringComparison.Ordinal);

        var rejected = await ReconcilerCommand.RunAsync("validate", invalid);
        Assert.True(rejected.ExitCode == 2, rejected.ToString());
        // Line 5 holds the stack's imageTag in DesiredStateYaml's layout.
        Assert.Contains("invalid.yaml:5:", rejected.StandardError, StringComparison.Ordinal);
        Assert.Contains("stacks[0].imageTag", rejected.StandardError, StringComparison.Ordinal);
        Assert.Contains("'latest'", rejected.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_resolve_exits_2_when_one_of_two_services_lacks_the_tag_and_0_when_all_resolve()
    {
        // A private repository gets git-fff0000; the seeded worker repository never has it.
        var privateRepository = $"sprocketbot/cli-{Guid.NewGuid():N}"[..24];
        await _registry.CopyTagAsync(SeededImages.Web, SeededImages.GitAaa, privateRepository, "git-fff0000");
        var partly = await WriteAsync("partly.yaml", DesiredStateYaml.Render(new DesiredStack("partly", "git-fff0000",
            new DesiredService($"{_registry.Host}/{privateRepository}", "prod-web*"),
            new DesiredService(WorkerRepository, "prod-worker*"))));
        var complete = await WriteAsync("complete.yaml", DesiredStateYaml.Render(new DesiredStack("complete", SeededImages.GitAaa,
            new DesiredService(WebRepository, "prod-web*"),
            new DesiredService(WorkerRepository, "prod-worker*"))));

        var missing = await ReconcilerCommand.RunAsync("validate", partly, "--resolve");
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains($"stacks[0].services[1]: {WorkerRepository}:git-fff0000 does not resolve", missing.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("services[0]", missing.StandardError, StringComparison.Ordinal);
        Assert.Contains($"stacks[0].services[0]: {_registry.Host}/{privateRepository}:git-fff0000 -> sha256:", missing.StandardOutput, StringComparison.Ordinal);

        var resolved = await ReconcilerCommand.RunAsync("validate", complete, "--resolve");
        Assert.True(resolved.ExitCode == 0, resolved.ToString());
        Assert.Contains("every tag resolves", resolved.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"stacks[0].services[1]: {WorkerRepository}:{SeededImages.GitAaa} -> {await _registry.DigestOfAsync(SeededImages.Worker, SeededImages.GitAaa)}",
            resolved.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _scratch.Dispose();
    }

    private async Task<string> WriteAsync(string fileName, string content)
    {
        var path = _scratch.Combine(fileName);
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    /// <summary>
    /// One padded row of the table, STACK STATUS SERVICE DESIRED APPLIED LIVE DRIFT UPDATE, for a service whose
    /// live image is <paramref name="liveTag"/>@digest and whose desired tag is git-aaa1111 (nothing applied yet).
    /// </summary>
    private static Regex TableRow(string stack, string status, string service, string liveTag, string drift) =>
        new($@"(?m)^{Regex.Escape(stack)} +{Regex.Escape(status)} +{Regex.Escape(service)} +{SeededImages.GitAaa} +- +{liveTag}@sha256:[0-9a-f]{{12}} +{Regex.Escape(drift)} +\S+$");
}
