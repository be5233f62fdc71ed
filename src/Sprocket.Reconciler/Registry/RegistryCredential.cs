namespace Sprocket.Reconciler.Registry;

/// <summary>
/// Pull credentials for one registry (for GHCR: a user name and a PAT with read:packages).
/// Configuration keys cannot contain ':', so a host with a port (<c>127.0.0.1:5000</c>) is given in
/// <see cref="Host"/> under any key name; otherwise the key itself is the host.
/// </summary>
public sealed class RegistryCredential
{
    public string? Host { get; set; }

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    // Keeps the secret out of anything that prints the options (debuggers, accidental logging).
    public override string ToString() => $"{Username} (password hidden)";
}
