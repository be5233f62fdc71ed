using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Registry;

/// <summary>Collects every problem at once so a misconfigured daemon fails at start with the whole list.</summary>
public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = new List<string>();
        if (options.TagRecheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"{RegistryOptions.SectionName}:TagRecheckInterval must be positive.");
        }
        if (options.TagListPageSize is < 1 or > 10_000)
        {
            errors.Add($"{RegistryOptions.SectionName}:TagListPageSize must be between 1 and 10000.");
        }
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{RegistryOptions.SectionName}:RequestTimeout must be positive.");
        }
        foreach (var (index, host) in options.Insecure.Index())
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal))
            {
                errors.Add($"{RegistryOptions.SectionName}:Insecure:{index} must be a host or host:port.");
            }
        }
        foreach (var (key, credential) in options.Credentials)
        {
            // Name the entry, never its values: this message reaches logs.
            if (string.IsNullOrWhiteSpace(credential.Username))
            {
                errors.Add($"{RegistryOptions.SectionName}:Credentials:{key}:Username is required.");
            }
            if (string.IsNullOrEmpty(credential.Password))
            {
                errors.Add($"{RegistryOptions.SectionName}:Credentials:{key}:Password is required.");
            }
        }
        var duplicated = options.Credentials
            .GroupBy(c => string.IsNullOrWhiteSpace(c.Value.Host) ? c.Key : c.Value.Host.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key);
        foreach (var host in duplicated)
        {
            errors.Add($"{RegistryOptions.SectionName}:Credentials has more than one entry for host {host}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
