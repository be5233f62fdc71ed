using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>Arguments and environment exactly as the Automation API passes them.</summary>
public sealed class PulumiInvocationTests
{
    [Fact]
    public void Non_interactive_is_added_once_and_before_the_end_of_flags()
    {
        Assert.Equal(["stack", "select", "--stack", "prod", "--non-interactive"],
            PulumiCli.WithNonInteractive(PulumiCommands.SelectStack("prod")));
        Assert.Equal(["config", "set", "image-tag", "--plaintext", "--stack", "prod", "--non-interactive", "--", "sha-1234567"],
            PulumiCli.WithNonInteractive(PulumiCommands.SetConfig("prod", "image-tag", "sha-1234567")));
        Assert.Equal(["version", "--non-interactive"], PulumiCli.WithNonInteractive(PulumiCommands.Version()));
    }

    [Fact]
    public void A_tag_that_looks_like_a_flag_stays_a_value()
    {
        var arguments = PulumiCli.WithNonInteractive(PulumiCommands.SetConfig("prod", "image-tag", "--non-interactive"));

        Assert.Equal(["--", "--non-interactive"], arguments.TakeLast(2));
        Assert.Equal(2, arguments.Count(argument => argument == "--non-interactive"));
    }

    [Fact]
    public void Up_follows_the_contract()
    {
        Assert.Equal(
            ["up", "--yes", "--skip-preview", "--refresh", "--event-log", "/d/e.jsonl", "--exec-kind", "auto.local", "--stack", "org/platform/prod"],
            PulumiCommands.Up("org/platform/prod", "/d/e.jsonl"));
        Assert.Equal(["preview", "--json", "--stack", "prod"], PulumiCommands.Preview("prod"));
        Assert.Equal(["stack", "history", "--json", "--page-size", "20", "--page", "1", "--stack", "prod"], PulumiCommands.History("prod", 20));
        Assert.Equal("stack history", PulumiCli.Verb(PulumiCommands.History("prod", 20)));
    }

    [Fact]
    public void Environment_drops_inherited_pulumi_variables_and_adds_configured_ones()
    {
        var options = new PulumiOptions
        {
            Binary = "/opt/pulumi/bin/pulumi",
            Environment = { ["PULUMI_BACKEND_URL"] = "file:///var/lib/state", ["PULUMI_CONFIG_PASSPHRASE"] = "correct horse" },
        };
        KeyValuePair<string, string?>[] inherited =
        [
            new("PATH", "/usr/bin:/bin"), new("HOME", "/root"),
            new("PULUMI_ACCESS_TOKEN", "pul-inherited"), new("PULUMI_BACKEND_URL", "https://api.pulumi.com"),
        ];

        var environment = PulumiProcessEnvironment.Build(inherited, options);

        Assert.Equal("/opt/pulumi/bin:/usr/bin:/bin", environment["PATH"]);
        Assert.Equal("true", environment["PULUMI_SKIP_UPDATE_CHECK"]);
        Assert.Equal("file:///var/lib/state", environment["PULUMI_BACKEND_URL"]);
        Assert.Equal("correct horse", environment["PULUMI_CONFIG_PASSPHRASE"]);
        Assert.False(environment.ContainsKey("PULUMI_ACCESS_TOKEN"));
        Assert.Equal("/root", environment["HOME"]);
    }

    [Fact]
    public void Environment_sets_what_the_automation_api_sets_and_configuration_cannot_turn_it_off()
    {
        // PULUMI_DEBUG_COMMANDS: without it up/preview/refresh have no --event-log (pulumi/pulumi v3.259.0
        // pkg/cmd/pulumi/operations/up.go); sdk/go/auto/stack.go runPulumiCmdSync and pulumi-dotnet
        // LocalPulumiCommand.PulumiEnvironment set it after the caller's variables. PULUMI_AUTOMATION_API:
        // sdk/go/auto/cmd.go Run appends it last. PULUMI_SKIP_UPDATE_CHECK: both APIs' `pulumi version` call.
        var options = new PulumiOptions
        {
            Environment = { ["PULUMI_DEBUG_COMMANDS"] = "false", ["PULUMI_AUTOMATION_API"] = "0", ["PULUMI_SKIP_UPDATE_CHECK"] = "false" },
        };
        KeyValuePair<string, string?>[] inherited = [new("PULUMI_DEBUG_COMMANDS", "0"), new("PATH", "/usr/bin")];

        var environment = PulumiProcessEnvironment.Build(inherited, options);

        Assert.Equal("true", environment["PULUMI_DEBUG_COMMANDS"]);
        Assert.Equal("true", environment["PULUMI_AUTOMATION_API"]);
        Assert.Equal("true", environment["PULUMI_SKIP_UPDATE_CHECK"]);
        Assert.Equal(["PULUMI_AUTOMATION_API", "PULUMI_DEBUG_COMMANDS", "PULUMI_SKIP_UPDATE_CHECK"],
            environment.Keys.Where(name => name.StartsWith("PULUMI_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_binary_is_looked_up_by_name_on_the_path_the_child_gets()
    {
        using var scratch = new ScratchDirectory();
        var bin = scratch.Combine("bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "pulumi"), "");

        Assert.Equal(Path.Combine(bin, "pulumi"), PulumiProcessEnvironment.ResolveExecutable(Path.Combine(bin, "pulumi"), bin + ":/usr/bin"));
        Assert.Equal(Path.Combine(bin, "pulumi"), PulumiProcessEnvironment.ResolveExecutable("pulumi", "/nonexistent:" + bin));
        Assert.Null(PulumiProcessEnvironment.ResolveExecutable("pulumi", "/nonexistent"));
    }
}
