namespace Sprocket.Reconciler.Core.Images;

/// <summary>
/// A parsed image reference <c>[host[:port]/]path[:tag][@sha256:…]</c>. <see cref="Repository"/> keeps
/// the registry host so that <c>ghcr.io/a/b</c> and <c>127.0.0.1:5000/a/b</c> stay distinct.
/// </summary>
public sealed record ImageReference(string Repository, string? Tag, string? Digest)
{
    public override string ToString() =>
        Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
}
