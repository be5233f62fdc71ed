using System.Collections.Concurrent;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// Bearer tokens per registry host and scope, kept until shortly before <c>expires_in</c> runs out,
/// so a poll every 30 s does not cost a token round trip each time.
/// </summary>
public sealed class RegistryTokenCache(TimeProvider time)
{
    // The distribution token spec: a token without expires_in is valid for 60 s.
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(string Host, string Scope), (string Token, DateTimeOffset ValidUntil)> _tokens = new();

    public string? Get(string host, string scope) =>
        _tokens.TryGetValue((host, scope), out var entry) && time.GetUtcNow() < entry.ValidUntil ? entry.Token : null;

    public void Put(string host, string scope, string token, TimeSpan lifetime)
    {
        // Renew a little early so a token does not expire between our check and the registry's.
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, lifetime.Ticks / 10));
        _tokens[(host, scope)] = (token, time.GetUtcNow() + lifetime - margin);
    }

    public void Forget(string host, string scope) => _tokens.TryRemove((host, scope), out _);
}
