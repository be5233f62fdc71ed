namespace Sprocket.Reconciler.State;

/// <summary>One observation: <paramref name="Repository"/>:<paramref name="Tag"/> pointed at <paramref name="Digest"/> between the two times.</summary>
public sealed record DigestLedgerEntry(
    string Repository,
    string Tag,
    string Digest,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);
