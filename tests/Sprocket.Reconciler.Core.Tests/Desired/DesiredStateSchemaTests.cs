using System.Text.Json.Nodes;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Tests.Desired;

/// <summary>
/// config/desired-state.schema.json is what editors check against; these tests keep its keys,
/// enums and defaults in step with the parser, and keep config/desired-state.example.yaml valid.
/// </summary>
public sealed class DesiredStateSchemaTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(RepositoryFile("config", "desired-state.schema.json")))!;

    [Fact]
    public void Schema_declares_draft_2020_12()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)Schema["$schema"]);
    }

    [Theory]
    [InlineData("", nameof(DesiredStateVocabulary.RootKeys))]
    [InlineData("$defs.stack", nameof(DesiredStateVocabulary.StackKeys))]
    [InlineData("$defs.pulumi", nameof(DesiredStateVocabulary.PulumiKeys))]
    [InlineData("$defs.pulumi.properties.program", nameof(DesiredStateVocabulary.ProgramKeys))]
    [InlineData("$defs.service", nameof(DesiredStateVocabulary.ServiceKeys))]
    [InlineData("$defs.observedService", nameof(DesiredStateVocabulary.ObservedServiceKeys))]
    [InlineData("$defs.policy", nameof(DesiredStateVocabulary.PolicyKeys))]
    [InlineData("$defs.syncWindow", nameof(DesiredStateVocabulary.SyncWindowKeys))]
    public void Schema_allows_exactly_the_parser_keys(string schemaPath, string vocabularyList)
    {
        var node = At(schemaPath);
        var keys = node["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        var expected = ((IReadOnlyList<string>)typeof(DesiredStateVocabulary).GetProperty(vocabularyList)!.GetValue(null)!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, keys);
        Assert.False((bool?)node["additionalProperties"]);
    }

    [Theory]
    [InlineData("$defs.stack.properties.engine", nameof(DesiredStateVocabulary.Engines))]
    [InlineData("$defs.policy.properties.onEmergencyRollback", nameof(DesiredStateVocabulary.EmergencyRollbackPolicies))]
    [InlineData("$defs.policy.properties.onFailedUpdateRollback", nameof(DesiredStateVocabulary.FailedUpdateRollbackPolicies))]
    [InlineData("$defs.policy.properties.onDrift", nameof(DesiredStateVocabulary.DriftPolicies))]
    [InlineData("$defs.policy.properties.writeBack", nameof(DesiredStateVocabulary.WriteBackModes))]
    [InlineData("$defs.syncWindow.properties.kind", nameof(DesiredStateVocabulary.SyncWindowKinds))]
    public void Schema_enums_match_the_parser_spellings(string schemaPath, string vocabularyMap)
    {
        var spellings = (System.Collections.IEnumerable)typeof(DesiredStateVocabulary).GetProperty(vocabularyMap)!.GetValue(null)!;
        var expected = spellings.Cast<object>().Select(pair => (string)pair.GetType().GetProperty("Key")!.GetValue(pair)!);

        Assert.Equal(expected, At(schemaPath)["enum"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void Schema_defaults_are_the_parser_defaults()
    {
        var policy = At("$defs.policy.properties");
        var defaults = StackPolicy.Default;
        Assert.Equal(defaults.AutoSync, (bool)policy["autoSync"]!["default"]!);
        Assert.Equal(DesiredStateVocabulary.Spell(defaults.OnEmergencyRollback), (string?)policy["onEmergencyRollback"]!["default"]);
        Assert.Equal(DesiredStateVocabulary.Spell(defaults.OnFailedUpdateRollback), (string?)policy["onFailedUpdateRollback"]!["default"]);
        Assert.Equal(DesiredStateVocabulary.Spell(defaults.OnDrift), (string?)policy["onDrift"]!["default"]);
        Assert.Equal(DesiredStateVocabulary.Spell(defaults.WriteBack), (string?)policy["writeBack"]!["default"]);
        Assert.Equal(defaults.MaxConsecutiveFailures, (int)policy["maxConsecutiveFailures"]!["default"]!);
        Assert.True(DurationSyntax.TryParse((string?)policy["stabilization"]!["default"], out var stabilization));
        Assert.Equal(defaults.Stabilization, stabilization);
        Assert.Equal(DesiredState.DefaultImmutableTagPattern, (string?)At("properties.immutableTagPattern")["default"]);
        Assert.Empty(defaults.SyncWindows);
        Assert.Empty(policy["syncWindows"]!["default"]!.AsArray());
        Assert.Equal(SyncWindowSyntax.DefaultTimeZone, (string?)At("$defs.syncWindow.properties.timeZone")["default"]);
    }

    [Theory]
    [InlineData("properties.stacks", "maxItems", DesiredStateLimits.MaxStacks)]
    [InlineData("properties.immutableTagPattern", "maxLength", DesiredStateLimits.MaxTagPatternLength)]
    [InlineData("$defs.stack.properties.name", "maxLength", DesiredStateLimits.MaxStackNameLength)]
    [InlineData("$defs.stack.properties.imageTag", "maxLength", DesiredStateLimits.MaxTagLength)]
    [InlineData("$defs.stack.properties.services", "maxItems", DesiredStateLimits.MaxServicesPerStack)]
    [InlineData("$defs.stack.properties.observeOnly", "maxItems", DesiredStateLimits.MaxServicesPerStack)]
    [InlineData("$defs.pulumi.properties.project", "maxLength", DesiredStateLimits.MaxPulumiNameLength)]
    [InlineData("$defs.pulumi.properties.stack", "maxLength", DesiredStateLimits.MaxPulumiNameLength)]
    [InlineData("$defs.pulumi.properties.configKey", "maxLength", DesiredStateLimits.MaxPulumiNameLength)]
    [InlineData("$defs.pulumi.properties.workDir", "maxLength", DesiredStateLimits.MaxTextLength)]
    [InlineData("$defs.pulumi.properties.program.properties.repository", "maxLength", DesiredStateLimits.MaxProgramRepositoryLength)]
    [InlineData("$defs.pulumi.properties.program.properties.ref", "maxLength", DesiredStateLimits.MaxRefLength)]
    [InlineData("$defs.repository", "maxLength", DesiredStateLimits.MaxRepositoryLength)]
    [InlineData("$defs.match", "maxLength", DesiredStateLimits.MaxMatchLength)]
    [InlineData("$defs.observedService.properties.tag", "maxLength", DesiredStateLimits.MaxTagLength)]
    [InlineData("$defs.policy.properties.maxConsecutiveFailures", "maximum", DesiredStateLimits.MaxConsecutiveFailures)]
    [InlineData("$defs.policy.properties.syncWindows", "maxItems", DesiredStateLimits.MaxSyncWindows)]
    [InlineData("$defs.syncWindow.properties.timeZone", "maxLength", DesiredStateLimits.MaxTimeZoneLength)]
    public void Schema_limits_are_the_parser_limits(string schemaPath, string keyword, int limit)
    {
        Assert.Equal(limit, (int?)At(schemaPath)[keyword]);
    }

    [Fact]
    public void Schema_requires_what_the_sync_window_reader_requires()
    {
        var required = At("$defs.syncWindow")["required"]!.AsArray().Select(v => (string)v!);

        Assert.Equal(["kind", "schedule", "duration"], required);
        Assert.Equal("#/$defs/syncWindow", (string?)At("$defs.policy.properties.syncWindows.items")["$ref"]);
    }

    [Fact]
    public void Example_config_is_valid_and_is_the_design_example()
    {
        var example = DesiredStateParser.ParseBytes("desired-state.example.yaml",
            File.ReadAllBytes(RepositoryFile("config", "desired-state.example.yaml")));
        var golden = DesiredStateCorpus.ParseCase("good", "design-example");

        Assert.True(example.IsValid, example.ToString());
        Assert.Equal(DesiredStateCorpus.ToJson(golden.State!), DesiredStateCorpus.ToJson(example.State));
    }

    [Fact]
    public void Example_sync_windows_block_is_valid_once_uncommented()
    {
        var text = File.ReadAllText(RepositoryFile("config", "desired-state.example.yaml"));
        var uncommented = text.Replace("      #syncWindows:", "      syncWindows:").Replace("      #  ", "        ");

        var example = DesiredStateParser.Parse("desired-state.example.yaml", uncommented);

        Assert.True(example.IsValid, example.ToString());
        SyncWindow[] expected =
        [
            new(SyncWindowKind.Allow, "0 0 9 ? * MON-FRI", TimeSpan.FromHours(8), "Europe/Paris"),
            new(SyncWindowKind.Deny, "0 0 12 L * ?", TimeSpan.FromHours(1), "UTC"),
        ];
        Assert.Equal(expected, example.State!.Stacks[0].Policy.SyncWindows.ToArray());
    }

    private static JsonNode At(string dottedPath)
    {
        var node = Schema;
        foreach (var part in dottedPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node[part] ?? throw new KeyNotFoundException($"schema has no '{dottedPath}'");
        }

        return node;
    }

    /// <summary>config/ is not copied to the test output, so find it from the repository root.</summary>
    private static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sprocket.Reconciler.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("Sprocket.Reconciler.sln not found above " + AppContext.BaseDirectory);
    }
}
