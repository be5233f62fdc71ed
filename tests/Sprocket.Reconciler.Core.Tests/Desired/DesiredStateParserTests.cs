using System.Text;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Tests.Desired;

/// <summary>Edge cases that a golden file cannot hold well: sizes, encodings, generated hostile input.</summary>
public sealed class DesiredStateParserTests
{
    private const string MinimalFile = """
        version: 1
        stacks:
          - name: web
            engine: swarm
            imageTag: sha-abc1234
            services:
              - repository: ghcr.io/sprocketbot/web
                match: web*
        """;

    [Fact]
    public void Minimal_file_takes_every_default()
    {
        var result = DesiredStateParser.Parse("desired-state.yaml", MinimalFile);

        Assert.True(result.IsValid, result.ToString());
        var stack = Assert.Single(result.State.Stacks);
        Assert.Equal(StackPolicy.Default, stack.Policy);
        Assert.Equal(DesiredState.DefaultImmutableTagPattern, result.State.ImmutableTagPattern);
        Assert.Same(stack, result.State.FindStack("web"));
        Assert.Null(result.State.FindStack("api"));
    }

    [Fact]
    public void Pulumi_defaults_are_image_tag_key_main_ref_and_checkout_root()
    {
        var result = DesiredStateParser.Parse("d.yaml", """
            version: 1
            stacks:
              - name: platform
                engine: pulumi
                imageTag: git-abc1234
                pulumi: { project: platform, stack: prod, program: { repository: https://example.com/p.git } }
                services: [{ repository: ghcr.io/a/b, match: b* }]
            """);

        Assert.True(result.IsValid, result.ToString());
        var pulumi = result.State.Stacks[0].Pulumi!;
        Assert.Equal("image-tag", pulumi.ConfigKey);
        Assert.Equal("main", pulumi.Program.Ref);
        Assert.Equal(".", pulumi.WorkDir);
    }

    [Fact]
    public void File_over_one_mebibyte_is_rejected_before_decoding()
    {
        var bytes = new byte[DesiredStateParser.MaxFileBytes + 1];
        Array.Fill(bytes, (byte)0xFF); // not UTF-8 either: the size check must come first

        var result = DesiredStateParser.ParseBytes("big.yaml", bytes);

        var error = Assert.Single(result.Errors);
        Assert.Equal((0, 0), (error.Line, error.Column));
        Assert.Contains("more than 1,048,576 bytes (1 MiB), the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_over_one_mebibyte_is_rejected_too()
    {
        var text = MinimalFile + "\n#" + new string('x', DesiredStateParser.MaxFileBytes);

        var result = DesiredStateParser.Parse("big.yaml", text);

        Assert.Contains("more than 1,048,576 bytes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_known_without_reading_the_file_is_named_in_the_error()
    {
        var result = DesiredStateParser.FileTooLarge("env/prod.yaml", 314_572_800);

        var error = Assert.Single(result.Errors);
        Assert.Equal("env/prod.yaml: $: the file is 314,572,800 bytes, over the limit of 1,048,576 bytes (1 MiB); it was not read", error.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => DesiredStateParser.FileTooLarge("small.yaml", DesiredStateParser.MaxFileBytes));
    }

    [Fact]
    public void File_of_exactly_the_limit_is_still_parsed()
    {
        var text = MinimalFile + "\n#";
        text += new string('x', DesiredStateParser.MaxFileBytes - Encoding.UTF8.GetByteCount(text));

        var result = DesiredStateParser.ParseBytes("edge.yaml", Encoding.UTF8.GetBytes(text));

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Utf8_bom_is_accepted_and_invalid_utf8_rejected()
    {
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(MinimalFile)).ToArray();
        Assert.True(DesiredStateParser.ParseBytes("bom.yaml", withBom).IsValid);

        var broken = Encoding.UTF8.GetBytes(MinimalFile).Append((byte)0xC3).ToArray();
        var error = Assert.Single(DesiredStateParser.ParseBytes("broken.yaml", broken).Errors);
        Assert.Equal("the file is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Parse_and_ParseBytes_agree()
    {
        var bad = MinimalFile.Replace("sha-abc1234", "latest", StringComparison.Ordinal);

        var fromText = DesiredStateParser.Parse("f.yaml", bad);
        var fromBytes = DesiredStateParser.ParseBytes("f.yaml", Encoding.UTF8.GetBytes(bad));

        Assert.NotEmpty(fromText.Errors);
        Assert.Equal(fromText.Errors.ToList(), fromBytes.Errors.ToList());
    }

    [Fact]
    public void Twelve_level_alias_bomb_is_refused_without_expansion()
    {
        // Expanded, this is 10^12 strings; the parser must answer from the ~100 events alone.
        var yaml = new StringBuilder("l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 12; level++)
        {
            var aliases = string.Join(",", Enumerable.Repeat($"*l{level - 1}", 10));
            yaml.Append($"l{level}: &l{level} [{aliases}]\n");
        }

        var result = DesiredStateParser.Parse("bomb.yaml", yaml.ToString());

        Assert.False(result.IsValid);
        Assert.Equal(ErrorCollector.MaxErrors + 1, result.Errors.Length); // 12 anchors + 110 aliases, capped
        Assert.All(result.Errors.SkipLast(1), e => Assert.Contains("is not allowed: anchors and aliases", e.Message, StringComparison.Ordinal));
        Assert.Contains("too many errors", result.Errors[^1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Errors, e => e.FieldPath == "version"); // schema checks never ran
    }

    [Fact]
    public void Error_list_is_capped_for_hostile_files()
    {
        var yaml = new StringBuilder("version: 1\nstacks:\n");
        for (var i = 0; i < 500; i++)
        {
            yaml.Append("  - { name: x, engine: swarm, imageTag: latest, services: [] }\n");
        }

        var result = DesiredStateParser.Parse("many.yaml", yaml.ToString());

        Assert.Equal(ErrorCollector.MaxErrors + 1, result.Errors.Length);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_recursed()
    {
        var depth = 10_000;
        var yaml = "version: 1\nstacks: " + new string('[', depth) + new string(']', depth) + "\n";

        var result = DesiredStateParser.Parse("deep.yaml", yaml);

        var error = Assert.Single(result.Errors);
        Assert.Contains($"nests deeper than {YamlTreeReader.MaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[", "", 41)] // unclosed: no syntax error from the far end either
    [InlineData("[", "]", 41)]
    [InlineData("{a: ", "}", 134)] // the key 'a' inside the 32nd mapping is the first node at depth 33
    public void Nesting_bomb_stops_at_the_first_node_too_deep_with_one_error_there(string open, string close, int column)
    {
        // The root mapping is depth 0 and the value of stacks depth 1, so the 33rd '[' is the first node too deep.
        const int depth = 10_000;
        var yaml = "version: 1\nstacks: " + string.Concat(Enumerable.Repeat(open, depth)) + string.Concat(Enumerable.Repeat(close, depth));

        var result = DesiredStateParser.Parse("deep.yaml", yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, column), (error.Line, error.Column));
        Assert.Contains($"nests deeper than {YamlTreeReader.MaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_bomb_of_a_mebibyte_is_refused_after_reading_only_its_start()
    {
        // Linear cost, asserted without a clock: the scanner is never asked for more than a few KiB.
        var yaml = "version: 1\nstacks: " + new string('[', DesiredStateParser.MaxFileBytes - 20);
        using var reader = new CountingReader(yaml);

        var (root, interpretable) = YamlTreeReader.Read(reader, new ErrorCollector("deep.yaml"));

        Assert.Null(root);
        Assert.False(interpretable);
        Assert.InRange(reader.CharactersRead, 1, 16 * 1024);
    }

    [Fact]
    public void Errors_are_ordered_by_position_and_render_with_file_line_and_field()
    {
        var result = DesiredStateParser.Parse("desired-state.yaml", """
            version: 1
            stacks:
              - name: web
                engine: swarm
                imageTag: latest
                services:
                  - repository: ghcr.io/sprocketbot/Web
                    match: web*
            """);

        var rendered = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(2, rendered.Count);
        Assert.StartsWith("desired-state.yaml:5:15: stacks[0].imageTag: 'latest' is a mutable tag", rendered[0], StringComparison.Ordinal);
        Assert.StartsWith("desired-state.yaml:7:21: stacks[0].services[0].repository: 'ghcr.io/sprocketbot/Web' is not a valid image repository", rendered[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/sprocketbot/web")]
    [InlineData("localhost:5000/web")]
    [InlineData("localhost/web")]
    [InlineData("ghcr.io/sprocketbot/sprocket-web")]
    [InlineData("ghcr.io/a__b/c.d_e--f")]
    [InlineData("sprocketbot/web")]
    [InlineData("web")]
    [InlineData("Registry.Example.com/team/api")]
    public void Valid_repositories(string repository)
    {
        Assert.Null(ImageRepositoryName.Problem(repository));
    }

    [Theory]
    [InlineData("ghcr.io/sprocketbot/web:sha-abc1234", "includes a tag")]
    [InlineData("localhost:5000", "includes a tag")]
    [InlineData("ghcr.io/sprocketbot/web@sha256:abc", "includes a digest")]
    [InlineData("SprocketBot/web", "not a valid image repository")]
    [InlineData("ghcr.io/", "not a valid image repository")]
    [InlineData("ghcr.io/a/", "not a valid image repository")]
    [InlineData("ghcr.io/-a", "not a valid image repository")]
    [InlineData("ghcr.io/a___b", "not a valid image repository")]
    [InlineData("ghcr.io:99999999/a", "invalid registry host")]
    [InlineData("https://ghcr.io/a", "invalid registry host")]
    public void Invalid_repositories(string repository, string problem)
    {
        Assert.Contains(problem, ImageRepositoryName.Problem(repository), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha-4f2a9c1", true)]
    [InlineData("git-0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("sha-4f2a9c", false)] // too short
    [InlineData("sha-4F2A9C1", false)] // the default is lowercase hex
    [InlineData("v1.2.3", false)]
    [InlineData("latest", false)]
    public void Default_pattern_decides_immutability(string tag, bool immutable)
    {
        Assert.Equal(immutable, ImmutableTagPolicy.IsImmutable(tag, DesiredState.DefaultImmutableTagPattern));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("master")]
    [InlineData("latest")]
    [InlineData("LATEST")]
    public void Branch_tags_are_mutable_whatever_the_pattern(string tag)
    {
        Assert.False(ImmutableTagPolicy.IsImmutable(tag, ".*"));
    }

    [Fact]
    public void Enum_spellings_round_trip()
    {
        Assert.Equal("pull-request", DesiredStateVocabulary.Spell(WriteBackMode.PullRequest));
        Assert.Equal("realign", DesiredStateVocabulary.Spell(EmergencyRollbackPolicy.Realign));
        Assert.Equal("swarm", DesiredStateVocabulary.Spell(StackEngine.Swarm));
        foreach (var mode in Enum.GetValues<WriteBackMode>())
        {
            Assert.Equal(mode, DesiredStateVocabulary.WriteBackModes[DesiredStateVocabulary.Spell(mode)]);
        }
    }

    private sealed class CountingReader(string text) : TextReader
    {
        private readonly StringReader _inner = new(text);

        public int CharactersRead { get; private set; }

        public override int Peek() => _inner.Peek();

        public override int Read()
        {
            var c = _inner.Read();
            CharactersRead += c < 0 ? 0 : 1;
            return c;
        }

        public override int Read(char[] buffer, int index, int count)
        {
            var read = _inner.Read(buffer, index, count);
            CharactersRead += read;
            return read;
        }
    }
}
