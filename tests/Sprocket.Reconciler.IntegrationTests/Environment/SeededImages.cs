namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>
/// What tests/env/swarm.sh pushes to both loopback registries. Every repository/tag pair has its
/// own digest, except <see cref="Master"/>, which points at the same image as <see cref="GitCcc"/>.
/// </summary>
public static class SeededImages
{
    public const string Web = "sprocketbot/web";
    public const string Worker = "sprocketbot/worker";

    public const string GitAaa = "git-aaa1111";
    public const string GitBbb = "git-bbb2222";
    public const string GitCcc = "git-ccc3333";

    /// <summary>Its command exits 1 at once: an update to it fails (and rolls back if so configured).</summary>
    public const string GitDead = "git-dead000";

    /// <summary>Mutable; initially the same digest as <see cref="GitCcc"/>.</summary>
    public const string Master = "master";
}
