using System.Text.Json.Nodes;

namespace Sprocket.Reconciler.Core.Tests.Desired;

public sealed class DesiredStateCorpusTests
{
    public static TheoryData<string> BadCases => DesiredStateCorpus.CaseNames("bad");

    public static TheoryData<string> GoodCases => DesiredStateCorpus.CaseNames("good");

    [Theory]
    [MemberData(nameof(BadCases))]
    public void Bad_file_is_rejected_with_exactly_the_expected_errors(string caseName)
    {
        var expectedPath = Path.Combine(DesiredStateCorpus.Folder("bad"), caseName + ".expected");
        Assert.True(File.Exists(expectedPath), $"{caseName}.yaml has no {caseName}.expected beside it.");
        var expected = ExpectedError.ReadFile(expectedPath);

        var result = DesiredStateCorpus.ParseCase("bad", caseName);

        Assert.False(result.IsValid, $"{caseName}.yaml was accepted.");
        Assert.Null(result.State);
        var unmatched = result.Errors.ToList();
        var missing = new List<ExpectedError>();
        foreach (var want in expected)
        {
            var hit = unmatched.FirstOrDefault(want.Matches);
            if (hit is null)
            {
                missing.Add(want);
            }
            else
            {
                unmatched.Remove(hit);
            }
        }

        Assert.True(missing.Count == 0 && unmatched.Count == 0,
            $"{caseName}: expected but not reported:\n  {string.Join("\n  ", missing)}\n"
            + $"reported but not expected:\n  {string.Join("\n  ", unmatched.Select(e => $"{e.Line}:{e.Column} {e.FieldPath} {e.Message}"))}");
        Assert.All(result.Errors, error => Assert.Equal(caseName + ".yaml", error.File));
    }

    [Theory]
    [MemberData(nameof(GoodCases))]
    public void Good_file_parses_to_the_expected_state(string caseName)
    {
        var result = DesiredStateCorpus.ParseCase("good", caseName);

        Assert.True(result.IsValid, $"{caseName}.yaml was rejected:\n{result}");
        Assert.Empty(result.Errors);
        var actual = DesiredStateCorpus.ToJson(result.State);
        var expectedPath = Path.Combine(DesiredStateCorpus.Folder("good"), caseName + ".expected.json");
        Assert.True(File.Exists(expectedPath), $"{caseName}.yaml has no {caseName}.expected.json; it parses to:\n{actual}");
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(actual)), $"{caseName} parsed to:\n{actual}");
    }

    [Theory]
    [InlineData("bad", ".expected")]
    [InlineData("good", ".expected.json")]
    public void Every_expectation_file_has_its_yaml_case(string kind, string suffix)
    {
        var orphans = Directory.EnumerateFiles(DesiredStateCorpus.Folder(kind), "*" + suffix)
            .Select(path => Path.GetFileName(path)[..^suffix.Length])
            .Where(name => !File.Exists(Path.Combine(DesiredStateCorpus.Folder(kind), name + ".yaml")))
            .ToList();

        Assert.Empty(orphans);
    }

    [Fact]
    public void Bad_corpus_covers_at_least_200_cases()
    {
        var count = Directory.EnumerateFiles(DesiredStateCorpus.Folder("bad"), "*.yaml").Count();
        Assert.True(count >= 200, $"only {count} bad cases");
    }
}
