using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Images;

/// <summary>
/// Parses the image strings Swarm stores in a service spec: <c>repo</c>, <c>repo:tag</c>,
/// <c>repo@sha256:…</c> (as Pulumi's docker provider writes them) and <c>repo:tag@sha256:…</c>
/// (as <c>docker service create</c> resolves them). The registry host stays part of the repository.
/// </summary>
public static partial class ImageReferenceParser
{
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\\z")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^sha256:[0-9a-f]{64}\\z")]
    private static partial Regex DigestPattern();

    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text)) return false;

        var rest = text.Trim();
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest)) return false;
        }

        string? tag = null;
        // A colon after the last slash separates the tag; one before it belongs to host:port.
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag)) return false;
        }

        if (!IsRepository(rest)) return false;
        reference = new ImageReference(rest, tag, digest);
        return true;
    }

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference) ? reference : throw new FormatException($"'{text}' is not an image reference");

    /// <summary>True for a repository without tag or digest, such as <c>ghcr.io/sprocketbot/web</c>.</summary>
    public static bool IsRepository(string text) => RepositoryName.IsValid(text);

    /// <inheritdoc cref="RepositoryName.Normalize"/>
    public static string Normalize(string repository) => RepositoryName.Normalize(repository);
}
