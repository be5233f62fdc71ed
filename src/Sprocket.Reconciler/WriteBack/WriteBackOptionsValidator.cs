using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>Rejects write-back settings at start-up with messages that name the configuration key.</summary>
public sealed class WriteBackOptionsValidator : IValidateOptions<WriteBackOptions>
{
    public ValidateOptionsResult Validate(string? name, WriteBackOptions options)
    {
        var failures = new List<string>();
        const string prefix = WriteBackOptions.SectionName;

        // git refuses identities holding '<', '>' or line breaks; say so now rather than at the first incident.
        if (!IsSignaturePart(options.AuthorName))
            failures.Add($"{prefix}:AuthorName must be non-empty, on one line and free of '<' and '>'.");
        if (!IsSignaturePart(options.AuthorEmail) || !options.AuthorEmail.Contains('@', StringComparison.Ordinal))
            failures.Add($"{prefix}:AuthorEmail must be an address such as reconciler@example.com (one line, no '<' or '>').");
        if (options.MaxPushAttempts is < 1 or > 20)
            failures.Add($"{prefix}:MaxPushAttempts must be between 1 and 20.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsSignaturePart(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.IndexOfAny(['<', '>', '\n', '\r']) < 0;
}
