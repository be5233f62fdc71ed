using System.Text;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Images;

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

    [Fact]
    public void Control_characters_in_a_value_never_reach_the_message_raw()
    {
        // "\n" forged a second output line; "\e[2J" cleared the terminal of whoever ran validate.
        var yaml = "version: 1\nstacks:\n" + Stack("\"web\\nexample.yaml: valid\\e[2J\"", "sha-abc1234");

        var result = DesiredStateParser.Parse("ctl.yaml", yaml);

        var error = Assert.Single(result.Errors, e => e.FieldPath == "stacks[0].name");
        Assert.DoesNotContain(error.ToString(), c => char.IsControl(c));
        Assert.Contains("web<U+000A>example.yaml: valid<U+001B>[2J", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_value_is_cut_in_the_message_with_its_length()
    {
        var name = new string('x', 900_000);

        var result = DesiredStateParser.Parse("long.yaml", "version: 1\nstacks:\n" + Stack(name, "sha-abc1234"));

        var error = Assert.Single(result.Errors, e => e.FieldPath == "stacks[0].name");
        Assert.InRange(error.Message.Length, 1, DisplayText.MaxShownText);
        Assert.Contains("(900,000 characters)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_key_is_escaped_and_cut_in_the_field_path()
    {
        var key = "\\e]0;" + new string('k', 5_000);

        // An explicit key ('? '): YAML refuses implicit keys over 1,024 characters.
        var result = DesiredStateParser.Parse("key.yaml", $"version: 1\n? \"{key}\"\n: 1\nstacks: []\n");

        var error = Assert.Single(result.Errors, e => e.Message.StartsWith("unknown key", StringComparison.Ordinal));
        Assert.StartsWith("<U+001B>]0;kkk", error.FieldPath, StringComparison.Ordinal);
        Assert.InRange(error.FieldPath.Length, 1, DisplayText.MaxShownText + 32);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
    }

    [Theory]
    [InlineData('\u0000', "<U+0000>")]
    [InlineData('\u009B', "<U+009B>")] // C1 CSI: some terminals act on it like ESC [
    [InlineData('\u202E', "<U+202E>")] // right-to-left override: text that reads other than it is
    [InlineData('\u2028', "<U+2028>")] // line separator
    public void Invisible_characters_are_named_by_code_point(char c, string shown)
    {
        Assert.Equal($"'a{shown}b'", DisplayText.Quote($"a{c}b"));
    }

    [Fact]
    public void Summary_counts_every_error_and_says_how_many_are_shown()
    {
        var yaml = new StringBuilder("version: 1\nstacks:\n");
        for (var i = 0; i < 900; i++)
        {
            yaml.Append("  - { name: x, engine: swarm, imageTag: latest, services: [] }\n"); // latest, no services, duplicate name
        }

        var result = DesiredStateParser.Parse("many.yaml", yaml.ToString());

        Assert.Equal(2_699, result.ErrorCount);
        Assert.Equal("2,699 errors (first 100 shown)", result.ErrorSummary);
        Assert.Equal("too many errors: 2,699 in all, only the first 100 are listed", result.Errors[^1].Message);
    }

    [Fact]
    public void Summary_of_a_few_errors_is_plain()
    {
        Assert.Equal("1 error", DesiredStateParser.Parse("a.yaml", "version: 1\nstacks: []\n").ErrorSummary);
        Assert.Equal("2 errors", DesiredStateParser.Parse("a.yaml", "version: 2\nstacks: []\n").ErrorSummary);
        Assert.Equal("", DesiredStateParser.Parse("a.yaml", "version: 1\nstacks:\n" + Stack("a", "sha-abc1234")).ErrorSummary);
    }

    [Theory]
    [InlineData("[", 2, 41)]
    [InlineData("{a: ", 2, 134)]
    [InlineData("- ", 3, 67)]
    public void Megabyte_nesting_bomb_is_refused_at_the_first_node_too_deep(string open, int line, int column)
    {
        var head = open == "- " ? "version: 1\nstacks:\n  " : "version: 1\nstacks: ";
        var yaml = head + string.Concat(Enumerable.Repeat(open, (DesiredStateParser.MaxFileBytes - head.Length) / open.Length));

        var result = DesiredStateParser.Parse("bomb.yaml", yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains("nests deeper than 32 levels; reading stopped here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Megabyte_of_list_items_is_refused_at_the_node_past_the_bound()
    {
        // "[x,x,x,…": YamlDotNet alone would spend most of a second on the half million events.
        var yaml = "version: 1\nstacks: [" + string.Concat(Enumerable.Repeat("x,", 500_000)) + "]\n";

        var result = DesiredStateParser.Parse("wide.yaml", yaml);

        var error = Assert.Single(result.Errors);
        // Nodes 1-5 are the root mapping, version, 1, stacks and the list; item k (column 10 + 2k) is node k + 6.
        var first = YamlTreeReader.MaxNodes + 1 - 6;
        Assert.Equal((2, 10 + (2 * first)), (error.Line, error.Column));
        Assert.Equal($"stacks[{first}]", error.FieldPath);
        Assert.Contains("more than 100,000 values, lists and mappings; reading stopped here", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stacks", DesiredStateLimits.MaxStacks)]
    [InlineData("stacks[0].services", DesiredStateLimits.MaxServicesPerStack)]
    [InlineData("stacks[0].observeOnly", DesiredStateLimits.MaxServicesPerStack)]
    [InlineData("stacks[0].policy.syncWindows", DesiredStateLimits.MaxSyncWindows)]
    public void List_over_its_bound_is_reported_once_and_its_items_not_read(string field, int bound)
    {
        // Every item is wrong ({}), so reading any of them would add errors.
        var items = "[" + string.Join(", ", Enumerable.Repeat("{}", bound + 1)) + "]";
        var yaml = field switch
        {
            "stacks" => $"version: 1\nstacks: {items}\n",
            "stacks[0].services" => "version: 1\nstacks:\n" + Stack("web", "sha-abc1234").Replace("services: [{ repository: ghcr.io/sprocketbot/web, match: web* }]", "services: " + items, StringComparison.Ordinal),
            "stacks[0].observeOnly" => "version: 1\nstacks:\n" + Stack("web", "sha-abc1234") + $"    observeOnly: {items}\n",
            _ => "version: 1\nstacks:\n" + Stack("web", "sha-abc1234") + $"    policy: {{ syncWindows: {items} }}\n",
        };

        var result = DesiredStateParser.Parse("long.yaml", yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.FieldPath);
        Assert.Equal($"has {bound + 1:N0} entries; at most {bound:N0} are allowed", error.Message);
    }

    [Fact]
    public void Text_with_a_lone_surrogate_is_refused_not_thrown_on()
    {
        // Parse(string) measured the UTF-8 length with a throwing encoder before anything else.
        var result = DesiredStateParser.Parse("broken.yaml", "version: 1\nstacks: [\uD800]\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("the text is not valid Unicode (it holds a lone surrogate)", error.Message);
    }

    [Fact]
    public void Values_at_their_limits_are_accepted()
    {
        var services = string.Join(", ", Enumerable.Range(0, DesiredStateLimits.MaxServicesPerStack).Select(i => $"{{ repository: ghcr.io/a/s{i}, match: s{i}* }}"));
        var windows = string.Join(", ", Enumerable.Repeat("{ kind: deny, schedule: '0 0 3 ? * SUN *', duration: 168h }", DesiredStateLimits.MaxSyncWindows));
        var yaml = $$"""
            version: 1
            immutableTagPattern: '^sha-[0-9a-f]+$(?#{{new string('c', DesiredStateLimits.MaxTagPatternLength - 19)}})'
            stacks:
              - name: {{new string('n', DesiredStateLimits.MaxStackNameLength)}}
                engine: pulumi
                imageTag: sha-{{new string('a', DesiredStateLimits.MaxTagLength - 4)}}
                pulumi:
                  project: {{new string('p', DesiredStateLimits.MaxPulumiNameLength)}}
                  stack: org/platform/prod
                  workDir: infra/platform
                  program: { repository: 'file:///srv/git/infra.git', ref: release/v1.2_rc-1 }
                services: [{{services}}]
                policy: { stabilization: 24h, maxConsecutiveFailures: {{DesiredStateLimits.MaxConsecutiveFailures}}, syncWindows: [{{windows}}] }
            """;

        var result = DesiredStateParser.Parse("limits.yaml", yaml);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(DesiredStateLimits.MaxServicesPerStack, result.State.Stacks[0].Services.Length);
    }
}
