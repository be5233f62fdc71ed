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

        var project = ReadName(pulumi, "project", "the Pulumi project name");
        var stack = ReadName(pulumi, "stack", "the Pulumi stack name, e.g. prod");
        var workDir = pulumi.OptionalString("workDir") ?? DefaultWorkDir;
        if (WorkDirProblem(workDir) is { } problem)
        {
            pulumi.Error("workDir", problem);
        }

        var configKey = pulumi.OptionalString("configKey", DesiredStateLimits.MaxPulumiNameLength) ?? DefaultConfigKey;
        if (ProgramSourceSyntax.StartsLikeAnOption(configKey) is { } option)
        {
            pulumi.Error("configKey", option);
        }

        var program = ReadProgram(pulumi);
        return new PulumiSpec(project, stack, workDir, configKey, program);
    }

    /// <summary>Project and stack are passed to the Pulumi CLI as arguments.</summary>
    private static string ReadName(MappingReader pulumi, string key, string what)
    {
        var name = pulumi.RequiredString(key, what, DesiredStateLimits.MaxPulumiNameLength);
        if (ProgramSourceSyntax.StartsLikeAnOption(name) is { } option)
        {
            pulumi.Error(key, option);
        }

        return name;
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

        var repository = program.RequiredString("repository", "the git URL or path of the Pulumi program", DesiredStateLimits.MaxProgramRepositoryLength);
        if (repository.Length > 0 && ProgramSourceSyntax.RepositoryProblem(repository) is { } repositoryProblem)
        {
            program.Error("repository", repositoryProblem);
        }

        var reference = program.OptionalString("ref", DesiredStateLimits.MaxRefLength) ?? DefaultProgramRef;
        if (ProgramSourceSyntax.RefProblem(reference) is { } refProblem)
        {
            program.Error("ref", refProblem);
        }

        return new ProgramSource(repository, reference);
    }

    /// <summary>The work dir is joined onto the program checkout: it must not be able to leave it.</summary>
    private static string? WorkDirProblem(string workDir)
    {
        if (ProgramSourceSyntax.StartsLikeAnOption(workDir) is { } option)
        {
            return option;
        }

        var rooted = workDir.StartsWith('/') || workDir.StartsWith('\\')
            || (workDir.Length >= 2 && char.IsAsciiLetter(workDir[0]) && workDir[1] == ':');
        if (rooted)
        {
            return $"{DisplayText.Quote(workDir)} is absolute; give a path relative to the program checkout, e.g. infra/platform";
        }

        if (workDir.Split('/', '\\').Contains(".."))
        {
            return $"{DisplayText.Quote(workDir)} contains a '..' segment; the work dir must stay inside the program checkout";
        }

        return null;
    }
}
