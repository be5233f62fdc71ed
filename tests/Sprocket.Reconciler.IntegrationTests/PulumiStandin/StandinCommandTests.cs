using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>The stand-in's stack, config and CLI-surface contract: texts and exit codes a driver classifies.</summary>
public sealed class StandinCommandTests : IAsyncLifetime
{
    private StandinWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _workspace = await StandinWorkspace.CreateAsync();
        _workspace.WriteProgram(new StandinService("web", _workspace.Scope.NameFor("web"), SeededImages.Web));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Version_prints_the_modelled_release_v3_259_0_with_its_leading_v()
    {
        // pulumi/pulumi v3.259.0 pkg/cmd/pulumi/version/version.go prints version.Version and a newline.
        var result = await _workspace.RunAsync(["version"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("v3.259.0\n", result.StandardOutput);
    }

    [Fact]
    public async Task Install_exists_as_in_every_cli_since_3_91_0_and_succeeds_for_a_yaml_program()
    {
        var result = await _workspace.RunAsync(["install", "--non-interactive"]);

        StandinWorkspace.AssertSucceeded(result);
    }

    [Fact]
    public async Task Stack_select_of_a_missing_stack_fails_like_the_real_cli_until_init_creates_it()
    {
        var missing = await _workspace.RunAsync(["stack", "select", "--stack", "prod", "--non-interactive"]);
        // StackNotFoundError maps to ExitStackNotFound (v3.259.0 pkg/cmd/pulumi/cmd/exit_codes.go).
        Assert.Equal(6, missing.ExitCode);
        Assert.Equal("error: no stack named 'prod' found", missing.StandardError.Trim());

        var noPassphrase = await _workspace.RunAsync(
            ["stack", "init", "--stack", "prod", "--non-interactive"],
            new Dictionary<string, string?> { ["PULUMI_CONFIG_PASSPHRASE"] = null });
        Assert.Equal(1, noPassphrase.ExitCode);
        Assert.Contains("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE", noPassphrase.StandardError);

        StandinWorkspace.AssertSucceeded(await _workspace.RunAsync(["stack", "init", "--stack", "prod", "--non-interactive"]));
        Assert.True(File.Exists(Path.Combine(_workspace.StateDirectory, ".pulumi", "stacks", "platform", "prod.json")));

        var again = await _workspace.RunAsync(["stack", "init", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("error: stack 'prod' already exists", again.StandardError.Trim());

        StandinWorkspace.AssertSucceeded(await _workspace.RunAsync(["stack", "select", "--stack", "prod", "--non-interactive"]));
        var list = await _workspace.RunAsync(["stack", "ls", "--json", "--non-interactive"]);
        var only = Assert.Single(JsonNode.Parse(list.StandardOutput)!.AsArray());
        Assert.Equal("prod", only!["name"]!.ToString());
        Assert.True(only["current"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Config_set_writes_the_stack_file_and_config_get_reads_it_as_json()
    {
        await _workspace.InitStackAsync(SeededImages.GitAaa);

        var stackFile = File.ReadAllText(Path.Combine(_workspace.ProgramDirectory, "Pulumi.prod.yaml"));
        Assert.Contains("platform:image-tag: git-aaa1111", stackFile);
        Assert.Contains("encryptionsalt:", stackFile);

        var get = await _workspace.RunAsync(["config", "get", "image-tag", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(0, get.ExitCode);
        var value = JsonNode.Parse(get.StandardOutput)!;
        Assert.Equal("git-aaa1111", value["value"]!.ToString());
        Assert.False(value["secret"]!.GetValue<bool>());

        var missing = await _workspace.RunAsync(["config", "get", "nope", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: configuration key 'nope' not found for stack 'prod'", missing.StandardError.Trim());
    }

    [Fact]
    public async Task Unknown_commands_and_flags_fail_with_the_texts_and_exit_code_of_v3_259_0()
    {
        // pkg/cmd/pulumi/rattler/rattler.go unknownCommandError; a plain error, so ExitCodeError (1).
        var command = await _workspace.RunAsync(["frobnicate"]);
        Assert.Equal(1, command.ExitCode);
        Assert.Equal("error: unknown command \"frobnicate\" for \"pulumi\"\nRun 'pulumi --help' for usage.", command.StandardError.Trim());

        // pflag's "unknown flag: --x" through cobra's default FlagErrorFunc, also exit 1.
        var flag = await _workspace.RunAsync(["up", "--bogus"]);
        Assert.Equal(1, flag.ExitCode);
        Assert.Equal("error: unknown flag: --bogus", flag.StandardError.Trim());
    }

    [Fact]
    public async Task Up_without_yes_is_the_typed_no_confirmation_error_exit_2()
    {
        await _workspace.InitStackAsync(SeededImages.GitAaa);

        // v3.259.0 up.go returns backenderr.NoConfirmationInNonInteractiveError; ExitCodeFor maps it to 2.
        var up = await _workspace.RunAsync(["up", "--stack", "prod", "--non-interactive"]);

        Assert.Equal(2, up.ExitCode);
        Assert.Equal("error: --yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode",
            up.StandardError.Trim());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("false")]
    [InlineData("yes")]
    [InlineData(" true")]
    public async Task Event_log_is_an_unknown_flag_unless_PULUMI_DEBUG_COMMANDS_is_truthy(string? debugCommands)
    {
        // v3.259.0 pkg/cmd/pulumi/operations/up.go registers --event-log only `if env.DebugCommands.Value()`;
        // sdk/go/common/util/env/env.go BoolValue.Value is true only for "1" or "true" (any case), untrimmed.
        await _workspace.InitStackAsync(SeededImages.GitAaa);

        var up = await _workspace.UpAsync("nodebug", environment: new Dictionary<string, string?> { ["PULUMI_DEBUG_COMMANDS"] = debugCommands });
        var preview = await _workspace.RunAsync(["preview", "--json", "--event-log", _workspace.EventLogPath("nodebug-preview"), "--stack", "prod"],
            new Dictionary<string, string?> { ["PULUMI_DEBUG_COMMANDS"] = debugCommands });

        Assert.Equal(1, up.ExitCode);
        Assert.Equal("error: unknown flag: --event-log", up.StandardError.Trim());
        Assert.Equal(1, preview.ExitCode);
        Assert.Equal("error: unknown flag: --event-log", preview.StandardError.Trim());
        Assert.False(File.Exists(_workspace.EventLogPath("nodebug")));
        Assert.Empty(_workspace.LockFiles());
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("1")]
    public async Task Event_log_is_accepted_when_PULUMI_DEBUG_COMMANDS_is_truthy(string debugCommands)
    {
        await _workspace.InitStackAsync(SeededImages.GitAaa);

        var preview = await _workspace.RunAsync(["preview", "--json", "--event-log", _workspace.EventLogPath("debug-preview"), "--stack", "prod"],
            new Dictionary<string, string?> { ["PULUMI_DEBUG_COMMANDS"] = debugCommands });

        StandinWorkspace.AssertSucceeded(preview);
        Assert.Equal("succeeded", EventLog.ReadValid(_workspace.EventLogPath("debug-preview")).Summary["result"]!.ToString());
    }

    [Fact]
    public async Task Event_log_stays_unknown_on_commands_that_never_have_it()
    {
        var stack = await _workspace.RunAsync(["stack", "ls", "--json", "--event-log", _workspace.EventLogPath("ls")]);

        Assert.Equal(1, stack.ExitCode);
        Assert.Equal("error: unknown flag: --event-log", stack.StandardError.Trim());
    }

    [Fact]
    public async Task Every_call_is_recorded_with_argv_exit_code_and_only_the_names_of_pulumi_variables()
    {
        await _workspace.InitStackAsync(SeededImages.GitBbb);
        await _workspace.RunAsync(["config", "get", "missing", "--stack", "prod"]);

        var calls = File.ReadAllLines(_workspace.CallsFile).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal(3, calls.Count);
        Assert.Equal(
            ["config", "set", "image-tag", "--plaintext", "--stack", "prod", "--non-interactive", "--", "git-bbb2222"],
            calls[1]["argv"]!.AsArray().Select(argument => argument!.ToString()));
        Assert.Equal(0, calls[1]["exitCode"]!.GetValue<int>());
        Assert.Equal(1, calls[2]["exitCode"]!.GetValue<int>());
        Assert.Equal(_workspace.ProgramDirectory, calls[2]["cwd"]!.ToString());
        var names = calls[0]["pulumiEnv"]!.AsArray().Select(name => name!.ToString()).ToList();
        Assert.Contains("PULUMI_CONFIG_PASSPHRASE", names);
        Assert.Contains("PULUMI_BACKEND_URL", names);
        Assert.DoesNotContain(StandinWorkspace.Passphrase, File.ReadAllText(_workspace.CallsFile));
    }
}
