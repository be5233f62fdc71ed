using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Tests.Desired;

/// <summary>
/// The write-back edit must change one scalar and nothing else. Every success case states the whole expected
/// text and compares it exactly, then checks that the daemon's own parser reads the new tag back.
/// </summary>
public sealed class ImageTagEditTests
{
    private const string File = "desired-state.yaml";

    private const string Commented = """
        # Production desired state — owned by platform team
        version: 1   # format version

        stacks:
          # the public site
          - name: web          # first stack
            engine: swarm
            # pinned by CI
            imageTag: git-aaa1111   # bumped by CI on merge
            services:
              - repository: registry.example/sprocketbot/web   # the site
                match: prod-web*
            policy: { writeBack: commit }   # flow mapping

          - name: web-api
            engine: swarm
            imageTag: git-aaa1111
            services:
              - { repository: registry.example/sprocketbot/api, match: prod-api* }
        # trailing comment
        immutableTagPattern: '^(git|sha)-[0-9a-f]{7,40}$'
        """;

    [Fact]
    public void Plain_ReplacesOnlyTheScalar_KeepingCommentsSpacingAndTheOtherStack()
    {
        var edited = AssertEdited(Commented, "web", "git-bbb2222");

        var expected = Commented.Replace(
            "imageTag: git-aaa1111   # bumped by CI on merge", "imageTag: git-bbb2222   # bumped by CI on merge");
        Assert.Equal(expected, edited.Text);
        Assert.Equal("git-aaa1111", edited.PreviousTag);
        Assert.Equal(9, edited.Line);
        AssertTags(edited.Text, ("web", "git-bbb2222"), ("web-api", "git-aaa1111"));
    }

    [Theory]
    [InlineData("web", "web-api")]
    [InlineData("web-api", "web")]
    public void SimilarNames_EditExactlyTheNamedStack(string target, string other)
    {
        var edited = AssertEdited(Commented, target, "git-ccc3333");

        AssertTags(edited.Text, (target, "git-ccc3333"), (other, "git-aaa1111"));
        AssertSingleSpanChanged(Commented, edited.Text, "aaa1111", "ccc3333");
    }

    [Fact]
    public void StackPrefixOfAnother_IsNotFoundUnlessExact()
    {
        var failed = AssertFailed(Commented, "we", "git-bbb2222");

        Assert.Equal(ImageTagEditFailure.StackNotFound, failed.Reason);
        Assert.Contains("'we'", failed.Message);
    }

    [Theory]
    [InlineData("'git-aaa1111'", "'git-bbb2222'")]
    [InlineData("\"git-aaa1111\"", "\"git-bbb2222\"")]
    [InlineData("!!str git-aaa1111", "!!str git-bbb2222")]
    [InlineData("\"git-\\x61aa1111\"", "\"git-bbb2222\"")]
    public void QuotingStyleAndTag_AreKept(string before, string after)
    {
        var original = Stack("web", before) + "# end\n";

        var edited = AssertEdited(original, "web", "git-bbb2222");

        Assert.Equal(original.Replace(before, after), edited.Text);
        Assert.Equal("git-aaa1111", edited.PreviousTag);
    }

    [Fact]
    public void FlowMappingStacks_EditInsideTheFlow()
    {
        const string original = """
            version: 1
            stacks: [ { name: web, engine: swarm, imageTag: git-aaa1111, services: [ { repository: r.example/web, match: web* } ] },
                      {name: api,engine: swarm,imageTag: "git-aaa1111",services: [{repository: r.example/api, match: api*}]} ]
            """;

        var web = AssertEdited(original, "web", "git-bbb2222");
        var api = AssertEdited(original, "api", "git-bbb2222");

        Assert.Equal(original.Replace("imageTag: git-aaa1111,", "imageTag: git-bbb2222,"), web.Text);
        Assert.Equal(original.Replace("imageTag: \"git-aaa1111\"", "imageTag: \"git-bbb2222\""), api.Text);
    }

    [Fact]
    public void NameAfterImageTag_AndTagOnItsOwnLine_AreFound()
    {
        const string original = """
            version: 1
            stacks:
              - engine: swarm
                imageTag:
                  # a comment between key and value
                  git-aaa1111
                services: [{ repository: r.example/web, match: web* }]
                name: web
            """;

        var edited = AssertEdited(original, "web", "git-bbb2222");

        Assert.Equal(original.Replace("  git-aaa1111", "  git-bbb2222"), edited.Text);
        Assert.Equal(6, edited.Line);
    }

    [Fact]
    public void CrLfLineEndings_AreKept()
    {
        var original = Commented.ReplaceLineEndings("\r\n") + "\r\n";

        var edited = AssertEdited(original, "web-api", "git-bbb2222");

        var expected = original.Replace("imageTag: git-aaa1111\r\n    services:\r\n      - {", "imageTag: git-bbb2222\r\n    services:\r\n      - {");
        Assert.NotEqual(original, expected);
        Assert.Equal(expected, edited.Text);
        Assert.Equal(original.Split("\r\n").Length, edited.Text.Split("\r\n").Length);
        Assert.DoesNotContain("\n", edited.Text.Replace("\r\n", ""));
    }

    [Fact]
    public void ByteOrderMark_IsKeptAndDoesNotShiftTheEdit()
    {
        var original = "\uFEFF" + Commented;

        var edited = AssertEdited(original, "web", "git-bbb2222");

        Assert.StartsWith("\uFEFF# Production", edited.Text);
        Assert.Equal(original.Replace("imageTag: git-aaa1111   #", "imageTag: git-bbb2222   #"), edited.Text);
    }

    [Fact]
    public void CharactersOutsideTheBasicPlane_BeforeTheTag_DoNotShiftTheEdit()
    {
        var original = "# 🚀 rocket 🚀 deploys\n" + Stack("web", "git-aaa1111") + "# après 🛑\n";

        var edited = AssertEdited(original, "web", "git-bbb2222");

        Assert.Equal(original.Replace("git-aaa1111", "git-bbb2222"), edited.Text);
    }

    [Fact]
    public void PlainTagThatWouldReadAsANumber_IsQuoted()
    {
        var original = Stack("web", "abcdef1") + "immutableTagPattern: '^[0-9a-f]{7}$'   # digits allowed\n";

        var edited = AssertEdited(original, "web", "1234567");

        Assert.Equal(original.Replace("imageTag: abcdef1", "imageTag: '1234567'"), edited.Text);
    }

    [Fact]
    public void AlreadyNamingTheTag_IsUnchanged()
    {
        var result = ImageTagEdit.Replace(File, Commented, "web", "git-aaa1111");

        var unchanged = Assert.IsType<ImageTagEditResult.Unchanged>(result);
        Assert.Equal("git-aaa1111", unchanged.CurrentTag);
        Assert.Equal(9, unchanged.Line);
    }

    [Fact]
    public void MissingImageTag_IsTyped()
    {
        var original = Stack("web", "git-aaa1111").Replace("    imageTag: git-aaa1111\n", "");

        Assert.Equal(ImageTagEditFailure.ImageTagMissing, AssertFailed(original, "web", "git-bbb2222").Reason);
    }

    [Theory]
    [InlineData("version: 1\nstacks: [ { name: web\n")]
    [InlineData("version: 1\nstacks:\n  - name: web\n   imageTag: x\n  bad indentation: [\n")]
    [InlineData("\"unterminated")]
    public void NotYaml_IsTyped(string text)
    {
        Assert.Equal(ImageTagEditFailure.FileDoesNotParse, AssertFailed(text, "web", "git-bbb2222").Reason);
    }

    [Fact]
    public void FileTheDaemonRejects_IsRefusedAsItStands()
    {
        var original = Stack("web", "git-aaa1111") + "polcy: {}\n";

        var failed = AssertFailed(original, "web", "git-bbb2222");

        Assert.Equal(ImageTagEditFailure.FileDoesNotParse, failed.Reason);
        Assert.Contains("polcy", failed.Message);
    }

    [Fact]
    public void AliasedImageTag_IsRefused()
    {
        const string original = """
            version: 1
            stacks:
              - name: web
                engine: swarm
                imageTag: &tag git-aaa1111
                services: [{ repository: r.example/web, match: web* }]
              - name: api
                engine: swarm
                imageTag: *tag
                services: [{ repository: r.example/api, match: api* }]
            """;

        Assert.Equal(ImageTagEditFailure.UnsupportedScalar, AssertFailed(original, "web", "git-bbb2222").Reason);
        Assert.Equal(ImageTagEditFailure.UnsupportedScalar, AssertFailed(original, "api", "git-bbb2222").Reason);
    }

    [Fact]
    public void AnchorElsewhereInTheFile_IsRefusedBecauseTheDaemonRejectsIt()
    {
        var original = Stack("web", "git-aaa1111").Replace("match: web*", "match: &m web*");

        Assert.Equal(ImageTagEditFailure.FileDoesNotParse, AssertFailed(original, "web", "git-bbb2222").Reason);
    }

    [Fact]
    public void BlockScalar_IsRefused()
    {
        var original = Stack("web", "|\n      git-aaa1111");

        Assert.Equal(ImageTagEditFailure.UnsupportedScalar, AssertFailed(original, "web", "git-bbb2222").Reason);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("")]
    public void InvalidNewTag_IsTyped(string tag)
    {
        Assert.Equal(ImageTagEditFailure.InvalidNewTag, AssertFailed(Commented, "web", tag).Reason);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    public void NewTagTheDaemonWouldReject_IsRefused(string tag)
    {
        var failed = AssertFailed(Commented, "web", tag);

        Assert.Equal(ImageTagEditFailure.ResultRejected, failed.Reason);
        Assert.Contains(tag, failed.Message);
    }

    private static string Stack(string name, string imageTagValue) => $"""
        version: 1
        stacks:
          - name: {name}
            engine: swarm
            imageTag: {imageTagValue}
            services:
              - repository: r.example/web
                match: web*

        """;

    private static ImageTagEditResult.Edited AssertEdited(string original, string stack, string tag)
    {
        var result = ImageTagEdit.Replace(File, original, stack, tag);
        var edited = Assert.IsType<ImageTagEditResult.Edited>(result);
        var reparsed = DesiredStateParser.Parse(File, edited.Text.TrimStart('\uFEFF'));
        Assert.True(reparsed.IsValid, reparsed.ToString());
        Assert.Equal(tag, reparsed.State.FindStack(stack)!.ImageTag);
        return edited;
    }

    private static ImageTagEditResult.Failed AssertFailed(string original, string stack, string tag) =>
        Assert.IsType<ImageTagEditResult.Failed>(ImageTagEdit.Replace(File, original, stack, tag));

    private static void AssertTags(string text, params (string Stack, string Tag)[] expected)
    {
        var state = DesiredStateParser.Parse(File, text).State!;
        foreach (var (stack, tag) in expected)
            Assert.Equal(tag, state.FindStack(stack)!.ImageTag);
    }

    /// <summary>Everything before and after one contiguous span is identical, and the span is the tag's changed part.</summary>
    private static void AssertSingleSpanChanged(string original, string edited, string removed, string inserted)
    {
        var prefix = 0;
        while (prefix < original.Length && prefix < edited.Length && original[prefix] == edited[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < original.Length - prefix && suffix < edited.Length - prefix
               && original[^(suffix + 1)] == edited[^(suffix + 1)])
            suffix++;
        Assert.Equal(removed, original[prefix..^suffix]);
        Assert.Equal(inserted, edited[prefix..^suffix]);
    }
}
