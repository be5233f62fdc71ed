using System.Text;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Images;
using Xunit;

namespace Sprocket.Reconciler.Core.Tests.Desired;

/// <summary>
/// Input written to get past validation or to make it expensive: the bounds the parser keeps whatever a
/// commit holds. The golden corpus (TestData/desired/bad) holds the small cases; these are generated.
/// </summary>
public sealed class HostileInputTests
{
    private static string Stack(string name, string imageTag, string repository = "ghcr.io/sprocketbot/web") => $$"""
          - name: {{name}}
            engine: swarm
            imageTag: {{imageTag}}
            services: [{ repository: {{repository}}, match: web* }]

        """;

    [Fact]
    public void Pathological_tag_pattern_spends_one_budget_for_the_whole_file_and_is_reported_once()
    {
        // (a+)+ on a run of a's ending in b backtracks 2^40 ways: each match alone would hit any timeout.
        var tag = new string('a', 40) + "b";
        var yaml = new StringBuilder("version: 1\nimmutableTagPattern: '^(a+)+$'\nstacks:\n");
        for (var i = 0; i < 3; i++)
        {
            yaml.Append(Stack($"s{i}", tag));
        }

        var result = DesiredStateParser.Parse("slow.yaml", yaml.ToString());

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, 22, "immutableTagPattern"), (error.Line, error.Column, error.FieldPath));
        Assert.Contains($"took longer than 250 ms in all", error.Message, StringComparison.Ordinal);
        Assert.Contains("(stopped at stacks[0].imageTag)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha-abc1234\n", "^(git|sha)-[0-9a-f]{7,40}$")] // .NET's $ matches before a final newline
    [InlineData("sha-abc1234-evil", "sha-[0-9a-f]+")] // an unanchored pattern must still cover the whole tag
    [InlineData("xsha-abc1234", "sha-[0-9a-f]+")]
    public void Tag_pattern_must_match_the_whole_tag(string tag, string pattern)
    {
        Assert.False(ImmutableTagPolicy.IsImmutable(tag, pattern));
    }

    [Fact]
    public void Unanchored_pattern_that_covers_the_whole_tag_still_matches()
    {
        Assert.True(ImmutableTagPolicy.IsImmutable("sha-abc1234", "sha-[0-9a-f]+"));
    }

    [Fact]
    public void Grammar_checks_refuse_a_trailing_newline()
    {
        Assert.False(ImmutableTagPolicy.IsValidTagSyntax("master\n"));
        Assert.False(RepositoryName.IsValid("busybox\n"));
        Assert.False(RepositoryName.IsValid("ghcr.io\n/x"));
        Assert.False(DurationSyntax.TryParse("00:02:00\n", out _));
    }

    [Theory]
    [InlineData("demo\\n", "stacks[1].name")] // beside 'demo' it would have made a second stack
    [InlineData("demo", "stacks[1].imageTag", "master\\n")] // past the always-mutable list under pattern '.*'
    [InlineData("demo", "stacks[1].services[0].repository", "sha-abc1234", "busybox\\n")]
    public void Trailing_newline_in_a_value_is_refused(string name, string field, string imageTag = "sha-abc1234", string repository = "ghcr.io/a/b")
    {
        var yaml = "version: 1\nimmutableTagPattern: '.*'\nstacks:\n"
            + Stack("demo", "sha-abc1234")
            + Stack($"\"{name}\"", $"\"{imageTag}\"", $"\"{repository}\"");

        var result = DesiredStateParser.Parse("newline.yaml", yaml);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.FieldPath == field);
    }
}
