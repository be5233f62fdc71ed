using System.Text;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Host.Tests.Documentation;

/// <summary>
/// The README and docs/ point at each other and at files of the repository; a renamed file or heading must not
/// leave a link to nowhere. Anchors are compared as GitHub derives them from headings.
/// </summary>
public sealed partial class MarkdownLinkTests
{
    public static TheoryData<string> Documents() => new() { "README.md", "docs/architecture.md" };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_reaches_a_file_and_heading_of_the_repository(string document)
    {
        var path = Path.Combine(RepositoryRoot.Path, document);
        var broken = new List<string>();
        foreach (Match link in RelativeLink().Matches(File.ReadAllText(path)))
        {
            var target = link.Groups["target"].Value;
            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var targetPath = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(targetPath) && !Directory.Exists(targetPath))
                broken.Add($"{target}: no such file");
            else if (anchor is not null && !Anchors(targetPath).Contains(anchor))
                broken.Add($"{target}: no heading with anchor #{anchor}");
        }

        Assert.True(broken.Count == 0, $"{document}: " + string.Join("; ", broken));
    }

    [Fact]
    public void Anchors_follow_githubs_rule() =>
        Assert.Equal("realigning-after-an-emergency-rollback-onemergencyrollback-realign",
            Anchor("Realigning after an emergency rollback (`onEmergencyRollback: realign`)"));

    private static HashSet<string> Anchors(string markdownFile) =>
        File.ReadLines(markdownFile).Where(l => l.StartsWith('#')).Select(l => Anchor(l.TrimStart('#').Trim())).ToHashSet(StringComparer.Ordinal);

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped (letters, digits, '-' and '_' kept), spaces to '-'.</summary>
    private static string Anchor(string heading)
    {
        var anchor = new StringBuilder();
        foreach (var c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') anchor.Append(c);
            else if (c == ' ') anchor.Append('-');
        }

        return anchor.ToString();
    }

    // [text](target) whose target is not a URL; images and reference links are not used in these files.
    [GeneratedRegex(@"\]\((?<target>(?![a-z]+:)[^)\s]+)\)")]
    private static partial Regex RelativeLink();
}
