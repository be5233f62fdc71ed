using Sprocket.PulumiStandin.Backend;
using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Workspace;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>Everything a stack command needs: the project, the backend, the stack and its config file.</summary>
public sealed record StackContext(ProjectFile Project, FileBackend Backend, string Stack, StackConfigFile Config)
{
    public TimeProvider Clock => Backend.Clock;

    /// <summary>Stack config as the engine sees it: namespaced keys to values.</summary>
    public IReadOnlyDictionary<string, string> ConfigValues => Config.Values;

    /// <summary>Resolves <c>--stack</c> (or the selected stack); fails like the real CLI when the stack does not exist.</summary>
    public static StackContext Resolve(ParsedArguments arguments, string workDirectory, TimeProvider clock)
    {
        var project = ProjectFile.Find(workDirectory);
        var backend = FileBackend.FromEnvironment(clock);
        var stack = StackName(arguments, project);
        if (!backend.StackExists(project.Name, stack)) throw new CliException($"no stack named '{stack}' found", ExitCodes.StackNotFound);
        return new StackContext(project, backend, stack, StackConfigFile.Load(project, stack));
    }

    public static string StackName(ParsedArguments arguments, ProjectFile project)
    {
        var reference = arguments.Value("stack") ?? CurrentStackStore.Read(project)
            ?? throw new CliException("no stack selected; please use `pulumi stack select` or `pulumi stack init` to choose one", ExitCodes.StackNotFound);
        return Parse(reference, project);
    }

    /// <summary>Accepts <c>stack</c>, <c>organization/stack</c> and <c>organization/project/stack</c>, as the DIY backend does.</summary>
    public static string Parse(string reference, ProjectFile project)
    {
        var parts = reference.Split('/');
        if (parts.Length > 1 && parts[0] != "organization") throw new CliException("organization name must be 'organization'");
        if (parts.Length == 3 && parts[1] != project.Name)
        {
            throw new CliException($"provided project name \"{parts[1]}\" doesn't match Pulumi.yaml");
        }

        var name = parts[^1];
        if (parts.Length > 3 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new CliException($"stack names may only contain alphanumerics, hyphens, underscores, or periods: '{reference}'");
        }

        return name;
    }

    /// <summary>A passphrase-secured stack needs PULUMI_CONFIG_PASSPHRASE(_FILE) set (it may be empty) to run.</summary>
    public static void RequirePassphrase()
    {
        if (Environment.GetEnvironmentVariable("PULUMI_CONFIG_PASSPHRASE") is null &&
            Environment.GetEnvironmentVariable("PULUMI_CONFIG_PASSPHRASE_FILE") is null)
        {
            throw new CliException(
                "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
        }
    }
}
