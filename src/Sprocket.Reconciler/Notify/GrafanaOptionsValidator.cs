using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

public sealed class GrafanaOptionsValidator : IValidateOptions<GrafanaOptions>
{
    public ValidateOptionsResult Validate(string? name, GrafanaOptions options)
    {
        var errors = new List<string>();
        UrlCheck.CheckEndpoint(errors, GrafanaOptions.SectionName, options.Url, options.Token, options.RequestTimeout);
        if (!string.IsNullOrWhiteSpace(options.DashboardUrl) && !UrlCheck.IsAbsoluteHttpLink(options.DashboardUrl))
        {
            errors.Add($"{GrafanaOptions.SectionName}:DashboardUrl must be an absolute http or https URL without fragment.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
