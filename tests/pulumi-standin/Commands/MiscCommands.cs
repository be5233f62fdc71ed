using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>`pulumi version`, `pulumi install`, `pulumi cancel`.</summary>
public static class MiscCommands
{
    /// <summary>
    /// The release the stand-in models (pulumi/pulumi tag v3.259.0, commit 0ac56e876614aedf12771d73ef7e80959b8a6fd4):
    /// its flags, texts and exit codes. <c>pulumi version</c> prints version.Version, which carries the leading v
    /// (pkg/cmd/pulumi/version/version.go).
    /// </summary>
    public const string Version = "v3.259.0";

    public static int PrintVersion(TextWriter stdout)
    {
        stdout.WriteLine(Version);
        return 0;
    }

    /// <summary>`pulumi install` (since v3.91.0): a YAML program has no dependencies to install, so success.</summary>
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
