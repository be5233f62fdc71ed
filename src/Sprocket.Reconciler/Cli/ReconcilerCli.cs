using System.CommandLine;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>sprocket-reconciler [run] | diff | validate FILE | history STACK | probe</c>. Tokens the CLI does not know (<c>--urls</c>,
/// <c>--Reconciler:DesiredState:Repository=…</c>) go to .NET configuration, as the README's Configuration section says.
/// </summary>
public static class ReconcilerCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "Sprocket.Reconciler: keeps a Docker Swarm equal to a desired-state file of pinned immutable image tags in git, " +
            "and never fights the on-call engineer. Without a command it runs the daemon.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var run = RunCommand.Create();
        root.Subcommands.Add(run);
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.SetAction((result, cancellationToken) => RunCommand.RunAsync(result.UnmatchedTokens.ToArray(), cancellationToken));
        return root;
    }

    /// <summary>
    /// Parses and runs. A <c>probe</c> whose arguments do not parse prints one line on stderr and exits 1, instead of
    /// System.CommandLine's error and help text: Docker keeps only a health check's output, and exit codes 0 and 1 are
    /// the only ones its HEALTHCHECK defines.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0 && parsed.CommandResult.Command.Name == ProbeCommand.Name)
            return await ProbeCommand.UsageAsync(Console.Error, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return await parsed.InvokeAsync();
    }
}
