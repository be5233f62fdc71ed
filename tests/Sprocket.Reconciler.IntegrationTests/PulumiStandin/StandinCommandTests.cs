using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>The stand-in's stack, config and CLI-surface contract: texts and exit codes a driver classifies.</summary>
public sealed class StandinCommandTests : IAsyncLifetime
{
    private StandinWorkspace workspace = null!;

    public async Task InitializeAsync()
    {
        workspace = await StandinWorkspace.CreateAsync();
        workspace.WriteProgram(new StandinService("web", workspace.Scope.NameFor("web"), SeededImages.Web));
    }

    public async Task DisposeAsync() => await workspace.DisposeAsync();

    [Fact]
    public async Task Version_prints_one_line_the_automation_api_accepts()
    {
        var result = await workspace.RunAsync(["version"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("v3.150.0\n", result.StandardOutput);
    }

    [Fact]
    public async Task Stack_select_of_a_missing_stack_fails_like_the_real_cli_until_init_creates_it()
    {
        var missing = await workspace.RunAsync(["stack", "select", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(255, missing.ExitCode);
        Assert.Equal("error: no stack named 'prod' found", missing.StandardError.Trim());

        var noPassphrase = await workspace.RunAsync(
            ["stack", "init", "--stack", "prod", "--non-interactive"],
            new Dictionary<string, string?> { ["PULUMI_CONFIG_PASSPHRASE"] = null });
        Assert.Equal(255, noPassphrase.ExitCode);
        Assert.Contains("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE", noPassphrase.StandardError);

        StandinWorkspace.AssertSucceeded(await workspace.RunAsync(["stack", "init", "--stack", "prod", "--non-interactive"]));
        Assert.True(File.Exists(Path.Combine(workspace.StateDirectory, ".pulumi", "stacks", "platform", "prod.json")));

        var again = await workspace.RunAsync(["stack", "init", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(255, again.ExitCode);
        Assert.Equal("error: stack 'prod' already exists", again.StandardError.Trim());

        StandinWorkspace.AssertSucceeded(await workspace.RunAsync(["stack", "select", "--stack", "prod", "--non-interactive"]));
        var list = await workspace.RunAsync(["stack", "ls", "--json", "--non-interactive"]);
        var only = Assert.Single(JsonNode.Parse(list.StandardOutput)!.AsArray());
        Assert.Equal("prod", only!["name"]!.ToString());
        Assert.True(only["current"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Config_set_writes_the_stack_file_and_config_get_reads_it_as_json()
    {
        await workspace.InitStackAsync(SeededImages.GitAaa);

        var stackFile = File.ReadAllText(Path.Combine(workspace.ProgramDirectory, "Pulumi.prod.yaml"));
        Assert.Contains("platform:image-tag: git-aaa1111", stackFile);
        Assert.Contains("encryptionsalt:", stackFile);

        var get = await workspace.RunAsync(["config", "get", "image-tag", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(0, get.ExitCode);
        var value = JsonNode.Parse(get.StandardOutput)!;
        Assert.Equal("git-aaa1111", value["value"]!.ToString());
        Assert.False(value["secret"]!.GetValue<bool>());

        var missing = await workspace.RunAsync(["config", "get", "nope", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(255, missing.ExitCode);
        Assert.Equal("error: configuration key 'nope' not found for stack 'prod'", missing.StandardError.Trim());
    }

    [Fact]
    public async Task Unknown_commands_and_flags_fail_with_cobras_text()
    {
        var command = await workspace.RunAsync(["frobnicate"]);
        Assert.Equal(255, command.ExitCode);
        Assert.Equal("error: unknown command \"frobnicate\" for \"pulumi\"", command.StandardError.Trim());

        var flag = await workspace.RunAsync(["up", "--bogus"]);
        Assert.Equal(255, flag.ExitCode);
        Assert.Equal("error: unknown flag: --bogus", flag.StandardError.Trim());
    }

    [Fact]
    public async Task Every_call_is_recorded_with_argv_exit_code_and_only_the_names_of_pulumi_variables()
    {
        await workspace.InitStackAsync(SeededImages.GitBbb);
        await workspace.RunAsync(["config", "get", "missing", "--stack", "prod"]);

        var calls = File.ReadAllLines(workspace.CallsFile).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal(3, calls.Count);
        Assert.Equal(
            ["config", "set", "image-tag", "--plaintext", "--stack", "prod", "--non-interactive", "--", "git-bbb2222"],
            calls[1]["argv"]!.AsArray().Select(argument => argument!.ToString()));
        Assert.Equal(0, calls[1]["exitCode"]!.GetValue<int>());
        Assert.Equal(255, calls[2]["exitCode"]!.GetValue<int>());
        Assert.Equal(workspace.ProgramDirectory, calls[2]["cwd"]!.ToString());
        var names = calls[0]["pulumiEnv"]!.AsArray().Select(name => name!.ToString()).ToList();
        Assert.Contains("PULUMI_CONFIG_PASSPHRASE", names);
        Assert.Contains("PULUMI_BACKEND_URL", names);
        Assert.DoesNotContain(StandinWorkspace.Passphrase, File.ReadAllText(workspace.CallsFile));
    }
}
