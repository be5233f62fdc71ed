using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>`pulumi version`, `pulumi install`, `pulumi cancel`.</summary>
public static class MiscCommands
{
    /// <summary>The version the stand-in claims: new enough for the Automation API's check (≥ 3.1.0), old enough to exit 255 on every failure.</summary>
    public const string Version = "v3.150.0";

    public static int PrintVersion(TextWriter stdout)
    {
        stdout.WriteLine(Version);
        return 0;
    }

    /// <summary>A YAML program has no dependencies to install: success, as the real CLI reports for it.</summary>
    public static int Install() => 0;

    /// <summary>On the file backend `pulumi cancel` deletes the stack's lock files (a crashed update's included).</summary>
    public static int Cancel(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        if (!arguments.IsSet("yes")) throw new CliException("--yes must be passed in to proceed when running in non-interactive mode");
        context.Backend.RemoveLocks(context.Project.Name, context.Stack);
        stdout.WriteLine($"The currently running update for '{context.Stack}' has been canceled!");
        return 0;
    }
}
