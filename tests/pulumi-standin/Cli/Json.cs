using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sprocket.PulumiStandin.Cli;

/// <summary>Serializer settings matching Go's encoding/json output closely enough for parsers.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The CLI prints documents with MarshalIndent and four spaces.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 4,
    };
}
