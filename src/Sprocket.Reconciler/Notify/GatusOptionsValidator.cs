using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

public sealed class GatusOptionsValidator : IValidateOptions<GatusOptions>
{
    public ValidateOptionsResult Validate(string? name, GatusOptions options)
    {
        var errors = new List<string>();
        // Per-stack tokens stand in for the shared one only if the shared one is absent and some exist; a stack
        // without either would fail at every push, so the shared token stays required.
        UrlCheck.CheckEndpoint(errors, GatusOptions.SectionName, options.Url, options.Token, options.RequestTimeout);
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Group))
        {
            errors.Add($"{GatusOptions.SectionName}:Group must not be empty.");
        }
        else if (options.Enabled && !GatusResult.TravelsUnescaped(GatusResult.KeyOf(options.Group, "stack")))
        {
            // Gatus matches the key as sent in the URL path, undecoded: an escaped key would reach no endpoint.
            errors.Add($"{GatusOptions.SectionName}:Group may hold only ASCII letters, digits, spaces and -._~!$&'()*+,;=:@/#, "
                + "so that its Gatus key can be sent in the URL path as it is.");
        }
        foreach (var (stack, token) in options.StackTokens)
        {
            if (string.IsNullOrWhiteSpace(token))
            {
                errors.Add($"{GatusOptions.SectionName}:StackTokens:{stack} must not be empty.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
