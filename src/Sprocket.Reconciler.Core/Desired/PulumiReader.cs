namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads the <c>pulumi</c> block of an <c>engine: pulumi</c> stack.</summary>
internal static class PulumiReader
{
    public const string DefaultConfigKey = "image-tag";
    public const string DefaultWorkDir = ".";
    public const string DefaultProgramRef = "main";

    public static PulumiSpec? Read(YamlNode node, string path, ErrorCollector errors)
    {
        var pulumi = MappingReader.Open(node, path, errors, DesiredStateVocabulary.PulumiKeys, "a pulumi block");
        if (pulumi is null)
        {
            return null;
        }

        var project = pulumi.RequiredString("project", "the Pulumi project name");
        var stack = pulumi.RequiredString("stack", "the Pulumi stack name, e.g. prod");
        var workDir = pulumi.OptionalString("workDir") ?? DefaultWorkDir;
        if (WorkDirProblem(workDir) is { } problem)
        {
            pulumi.Error("workDir", problem);
        }

        var configKey = pulumi.OptionalString("configKey") ?? DefaultConfigKey;
        var program = ReadProgram(pulumi);
        return new PulumiSpec(project, stack, workDir, configKey, program);
    }

    private static ProgramSource ReadProgram(MappingReader pulumi)
    {
        var node = pulumi.Find("program");
        if (node is null)
        {
            pulumi.Missing("program", "where the Pulumi program lives, e.g. { repository: https://github.com/org/repo.git, ref: main }");
            return new ProgramSource("", DefaultProgramRef);
        }

        var program = MappingReader.Open(node, pulumi.PathOf("program"), pulumi.Errors, DesiredStateVocabulary.ProgramKeys, "a program source");
        if (program is null)
        {
            return new ProgramSource("", DefaultProgramRef);
        }

        return new ProgramSource(
            program.RequiredString("repository", "the git URL or path of the Pulumi program"),
            program.OptionalString("ref") ?? DefaultProgramRef);
    }

    /// <summary>The work dir is joined onto the program checkout: it must not be able to leave it.</summary>
    private static string? WorkDirProblem(string workDir)
    {
        var rooted = workDir.StartsWith('/') || workDir.StartsWith('\\')
            || (workDir.Length >= 2 && char.IsAsciiLetter(workDir[0]) && workDir[1] == ':');
        if (rooted)
        {
            return $"'{workDir}' is absolute; give a path relative to the program checkout, e.g. infra/platform";
        }

        if (workDir.Split('/', '\\').Contains(".."))
        {
            return $"'{workDir}' contains a '..' segment; the work dir must stay inside the program checkout";
        }

        return null;
    }
}
