using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Docker;

/// <summary>Rejects Docker settings at start-up with messages that name the configuration key.</summary>
public sealed class DockerOptionsValidator : IValidateOptions<DockerOptions>
{
    private static readonly string[] Schemes = ["unix", "tcp", "http", "https", "npipe"];

    public ValidateOptionsResult Validate(string? name, DockerOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Host)
            && (!Uri.TryCreate(options.Host, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme)))
            failures.Add($"{DockerOptions.Section}:Host '{options.Host}' must be an engine address such as unix:///var/run/docker.sock or tcp://host:2376.");
        if (options.MaxReconnectDelay <= TimeSpan.Zero)
            failures.Add($"{DockerOptions.Section}:MaxReconnectDelay must be greater than zero (a TimeSpan such as 00:00:30).");
        if (options.LeaderCheckInterval <= TimeSpan.Zero)
            failures.Add($"{DockerOptions.Section}:LeaderCheckInterval must be greater than zero (a TimeSpan such as 00:00:05).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
