using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

public sealed class GitHubNotifierOptionsValidator : IValidateOptions<GitHubNotifierOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubNotifierOptions options)
    {
        var errors = new List<string>();
        const string section = GitHubNotifierOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.ApiUrl))
        {
            if (!UrlCheck.IsAbsoluteHttp(options.ApiUrl))
            {
                errors.Add($"{section}:ApiUrl must be an absolute http or https URL without query or fragment.");
            }
            if (string.IsNullOrWhiteSpace(options.Token))
            {
                errors.Add($"{section}:Token is required when {section}:ApiUrl is set.");
            }
        }
        if (options.Enabled)
        {
            UrlCheck.CheckTimeout(errors, section, options.RequestTimeout);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
