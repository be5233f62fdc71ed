using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.GitHub;

/// <summary>Checked at start, so a mistyped API address stops the daemon instead of failing each status or pull
/// request later. Messages name the key, never its value (a URL may hold credentials).</summary>
public sealed class GitHubApiOptionsValidator : IValidateOptions<GitHubApiOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubApiOptions options)
    {
        const string section = GitHubApiOptions.SectionName;
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.ApiUrl))
        {
            if (!GitHubApiAddress.IsValid(options.ApiUrl))
            {
                errors.Add($"{section}:ApiUrl must be an absolute http or https URL without credentials, query or fragment, "
                    + "such as https://api.github.com or https://ghe.example.org/api/v3.");
            }
            if (string.IsNullOrWhiteSpace(options.Token))
            {
                errors.Add($"{section}:Token is required when {section}:ApiUrl is set.");
            }
        }
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{section}:RequestTimeout must be above zero and at most 00:10:00.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
