using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        if (options.QueueCapacity is < 1 or > 100_000)
        {
            errors.Add($"{NotificationOptions.SectionName}:QueueCapacity must be between 1 and 100000.");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicUrl) && !UrlCheck.IsAbsoluteHttp(options.PublicUrl))
        {
            errors.Add($"{NotificationOptions.PublicUrlKey} must be an absolute http or https URL without query or fragment.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
