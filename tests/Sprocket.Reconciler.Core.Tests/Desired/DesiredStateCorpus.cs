using System.Text.Json;
using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Tests.Desired;

/// <summary>
/// The golden folders under TestData/desired: <c>bad/NAME.yaml</c> with <c>bad/NAME.expected</c>
/// (one <c>LINE:COLUMN FIELDPATH MESSAGE-SUBSTRING</c> per expected error) and <c>good/NAME.yaml</c>
/// with <c>good/NAME.expected.json</c> (the parsed state). A new case is a new pair of files.
/// </summary>
internal static class DesiredStateCorpus
{
    public static string Folder(string kind) => Path.Combine(AppContext.BaseDirectory, "TestData", "desired", kind);

    public static TheoryData<string> CaseNames(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder(kind), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    public static DesiredStateParseResult ParseCase(string kind, string caseName)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(kind), caseName + ".yaml"));
        return DesiredStateParser.ParseBytes(caseName + ".yaml", bytes);
    }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The state as the expected.json files spell it (enums as the YAML spells them).</summary>
    public static string ToJson(DesiredState state) => JsonSerializer.Serialize(state, JsonOptions);
}

/// <summary>One line of a bad case's <c>.expected</c> file.</summary>
internal sealed record ExpectedError(int Line, int Column, string FieldPath, string MessageFragment)
{
    public static IReadOnlyList<ExpectedError> ReadFile(string path) =>
        [.. File.ReadAllLines(path)
            .Where(line => line.Trim().Length > 0 && !line.StartsWith('#'))
            .Select(Parse)];

    public static ExpectedError Parse(string line)
    {
        var parts = line.Split(' ', 3);
        if (parts.Length != 3)
        {
            throw new FormatException($"Expected 'LINE:COLUMN FIELDPATH MESSAGE-SUBSTRING', got '{line}'.");
        }

        var position = parts[0].Split(':');
        return new ExpectedError(int.Parse(position[0]), int.Parse(position[1]), parts[1], parts[2]);
    }

    public bool Matches(DesiredStateError error) =>
        error.Line == Line && error.Column == Column && error.FieldPath == FieldPath
        && error.Message.Contains(MessageFragment, StringComparison.Ordinal);

    public override string ToString() => $"{Line}:{Column} {FieldPath} {MessageFragment}";
}
