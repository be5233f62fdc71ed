namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>Where <c>charts/</c> is: found from the test binary upwards, as the repository is not copied to the output.</summary>
internal static class ChartsRepository
{
    public static string Root { get; } = Find();

    public static string DashboardPath => Path.Combine(Root, "charts", "grafana", "dashboards", "sprocket-reconciler-drift.json");

    public static string RulesDirectory => Path.Combine(Root, "charts", "prometheus", "rules");

    /// <summary>Every <c>charts/prometheus/rules/*.rules.yml</c>; fails naming the folder when there is none.</summary>
    public static IReadOnlyList<string> RuleFiles()
    {
        var files = Directory.Exists(RulesDirectory)
            ? Directory.GetFiles(RulesDirectory, "*.rules.yml").Order(StringComparer.Ordinal).ToList()
            : [];
        return files.Count > 0
            ? files
            : throw new InvalidOperationException(
                $"No alert rules to load: {RulesDirectory} holds no *.rules.yml (the alert rules are charts/prometheus/rules/sprocket-reconciler.rules.yml).");
    }

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sprocket.Reconciler.sln"))) return folder.FullName;
        }

        throw new InvalidOperationException($"No Sprocket.Reconciler.sln above {AppContext.BaseDirectory}");
    }
}
