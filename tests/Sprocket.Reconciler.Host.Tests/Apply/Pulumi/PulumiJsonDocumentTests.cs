using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

public sealed class PulumiJsonDocumentTests
{
    [Fact]
    public void Preview_document_gives_change_summary_steps_with_types_and_diagnostics()
    {
        var preview = PreviewDocument.Parse(File.ReadAllText(PulumiTestPaths.TestData("preview-update-service.json")));

        Assert.Equal(new Dictionary<string, int> { ["same"] = 1, ["update"] = 1 }, preview.ChangeSummary);
        Assert.Equal(["same", "update"], preview.Steps.Select(step => step.Op));
        Assert.Equal("docker:index/service:Service", preview.Steps[1].Type);
        var warning = Assert.Single(preview.Diagnostics);
        Assert.Equal("warning", warning.Severity);
        Assert.StartsWith("provider config warning: Unable to resolve digest", warning.Message);

        var summary = preview.ToSummary();
        Assert.Contains("update urn:pulumi:prod::platform::pulumi:pulumi:Stack$docker:index/service:Service::web-service", summary.Steps);
        Assert.Equal(1, summary.ChangeSummary["update"]);
        Assert.StartsWith("warning: provider config warning", Assert.Single(summary.Diagnostics));
    }

    [Fact]
    public void An_empty_preview_omits_every_field_and_still_parses()
    {
        var preview = PreviewDocument.Parse("{}");

        Assert.Empty(preview.ChangeSummary);
        Assert.Empty(preview.Steps);
        Assert.Empty(preview.Diagnostics);
    }

    [Fact]
    public void Preview_without_any_json_is_a_format_error() =>
        Assert.Throws<FormatException>(() => PreviewDocument.Parse("error: no stack named 'prod' found"));

    [Fact]
    public void Step_type_falls_back_to_the_urn_when_no_state_is_printed()
    {
        var preview = PreviewDocument.Parse("""{"steps":[{"op":"delete","urn":"urn:pulumi:prod::platform::pulumi:pulumi:Stack$docker:index/service:Service::old"}]}""");

        Assert.Equal("docker:index/service:Service", Assert.Single(preview.Steps).Type);
    }

    [Fact]
    public void Applied_tag_is_the_config_of_the_newest_succeeded_update_not_of_failed_refresh_or_preview_runs()
    {
        var history = StackHistory.Parse(File.ReadAllText(PulumiTestPaths.TestData("stack-history.json")));

        Assert.Equal(5, history.Updates.Count);
        Assert.Equal("sha-bbbbbbb", history.AppliedValue("platform:image-tag"));
        Assert.True(history.Updates[2].Config["platform:db-password"].Secret);
        Assert.Null(history.AppliedValue("platform:db-password"));
        Assert.Null(history.AppliedValue("platform:missing"));
    }

    [Fact]
    public void Applied_tag_follows_versions_not_printing_order()
    {
        var history = StackHistory.Parse("""
            [{"version":1,"kind":"update","result":"succeeded","config":{"p:image-tag":{"value":"old","secret":false}}},
             {"version":2,"kind":"update","result":"succeeded","config":{"p:image-tag":{"value":"new","secret":false}}}]
            """);

        Assert.Equal("new", history.AppliedValue("p:image-tag"));
    }

    [Fact]
    public void A_stack_never_updated_has_no_applied_tag() =>
        Assert.Null(StackHistory.Parse("[]").AppliedValue("platform:image-tag"));

    [Theory]
    [InlineData("platform", "image-tag", "platform:image-tag")]
    [InlineData("platform", "docker:image", "docker:image")]
    public void Config_keys_are_qualified_with_the_project(string project, string key, string expected) =>
        Assert.Equal(expected, StackHistory.QualifiedKey(project, key));

    [Fact]
    public void Config_get_json_gives_value_and_secret()
    {
        Assert.Equal(new ConfigValue("sha-bbbbbbb", false), ConfigValue.Parse("""{"value":"sha-bbbbbbb","secret":false}"""));
        Assert.Equal(new ConfigValue(null, true), ConfigValue.Parse("""{"secret":true}"""));
    }

    [Theory]
    [InlineData("v3.140.0\n", "3.140.0")]
    [InlineData("3.1.0", "3.1.0")]
    [InlineData("v3.141.0-alpha.1730000000", "3.141.0")]
    [InlineData("v3.100.0+dirty", "3.100.0")]
    public void Version_strips_v_and_prerelease(string output, string expected) =>
        Assert.Equal(Version.Parse(expected), PulumiVersion.Parse(output));

    [Theory]
    [InlineData("v3.91.0", null)]
    [InlineData("v3.259.0\n", null)]
    [InlineData("v3.90.1", "at least 3.91.0")]
    [InlineData("v3.1.0", "at least 3.91.0")]
    [InlineData("v2.25.2", "at least 3.91.0")]
    [InlineData("warning: something", "not a version")]
    public void Version_below_3_91_0_the_first_with_pulumi_install_or_unreadable_is_a_problem(string output, string? problem)
    {
        // `pulumi install` appeared in v3.91.0 (pulumi/pulumi CHANGELOG.md "## 3.91.0", pkg/cmd/pulumi/install.go
        // absent at v3.90.1); the Automation APIs refuse InstallAsync below it (pulumi-dotnet LocalWorkspace.cs).
        var found = PulumiVersion.Problem(output);
        if (problem is null)
            Assert.Null(found);
        else
            Assert.Contains(problem, found);
    }
}
