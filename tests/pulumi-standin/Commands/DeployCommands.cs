using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Engine;
using Sprocket.PulumiStandin.Registry;
using Sprocket.PulumiStandin.Swarm;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>`pulumi preview`, `pulumi up`, `pulumi refresh`.</summary>
public static class DeployCommands
{
    public static async Task<int> PreviewAsync(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        StackContext.RequirePassphrase();
        using var resolver = new DigestResolver();
        using var log = EventLogWriter.Open(arguments.Value("event-log"), clock);
        var (exitCode, digest) = await new PreviewRunner(context, resolver, log, clock).RunAsync();
        if (arguments.IsSet("json"))
        {
            stdout.WriteLine(digest.ToJsonString(Json.Indented));
        }
        else
        {
            stdout.WriteLine($"Previewing update ({context.Stack}):");
            foreach (var (op, count) in digest["changeSummary"]!.AsObject()) stdout.WriteLine($"    {count} {op}");
        }

        return exitCode;
    }

    public static Task<int> UpAsync(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout, TextWriter stderr, Action recordCrash)
    {
        if (!arguments.IsSet("yes") && !arguments.IsSet("skip-preview"))
        {
            // backenderr.NoConfirmationInNonInteractiveError (v3.259.0 up.go), which ExitCodeFor maps to 2.
            throw new CliException(
                "--yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode",
                ExitCodes.Configuration);
        }

        return RunAsync(arguments, workDirectory, clock, stdout, stderr, recordCrash,
            runner => runner.UpAsync(arguments.IsSet("refresh"), ExecKind(arguments), arguments.Value("message") ?? ""));
    }

    public static Task<int> RefreshAsync(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout, TextWriter stderr, Action recordCrash)
    {
        if (!arguments.IsSet("yes") && !arguments.IsSet("skip-preview"))
        {
            // A plain error in v3.259.0 refresh.go (exit 1), unlike up's typed one.
            throw new CliException("--yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode");
        }

        return RunAsync(arguments, workDirectory, clock, stdout, stderr, recordCrash,
            runner => runner.RefreshAsync(ExecKind(arguments), arguments.Value("message") ?? "", arguments.IsSet("clear-pending-creates")));
    }

    private static async Task<int> RunAsync(
        ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout, TextWriter stderr, Action recordCrash,
        Func<UpdateRunner, Task<int>> run)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        StackContext.RequirePassphrase();
        var switches = Switches.FromEnvironment();
        using var resolver = new DigestResolver();
        using var swarm = SwarmServices.FromEnvironment(clock);

        // Opened before the lock is taken, as the real CLI opens it; a lock conflict leaves it empty.
        EventLogWriter? log = null;
        try
        {
            log = EventLogWriter.Open(arguments.Value("event-log"), clock);
            using var signals = new CancellationSignals(
                announce: message =>
                {
                    stdout.Write(message);
                    log.Write("stdoutEvent", new System.Text.Json.Nodes.JsonObject { ["message"] = message, ["color"] = "never" });
                },
                terminate: () =>
                {
                    recordCrash();
                    Environment.Exit(ExitCodes.Error);
                });
            var runner = new UpdateRunner(context, swarm, resolver, log, switches, signals, stdout, stderr) { BeforeCrash = recordCrash };
            return await run(runner);
        }
        finally
        {
            log?.Dispose();
        }
    }

    private static string ExecKind(ParsedArguments arguments) => arguments.Value("exec-kind") ?? "cli";
}
