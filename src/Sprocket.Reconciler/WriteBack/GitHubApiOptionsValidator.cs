using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>An API root, when given, must be an absolute http(s) URL.</summary>
public sealed class GitHubApiOptionsValidator : IValidateOptions<GitHubApiOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubApiOptions options) =>
        string.IsNullOrWhiteSpace(options.ApiUrl)
        || (Uri.TryCreate(options.ApiUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.UserInfo.Length == 0)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{GitHubApiOptions.SectionName}:ApiUrl must be an absolute https URL without credentials, such as https://api.github.com/ or https://ghe.example.com/api/v3/.");
}
