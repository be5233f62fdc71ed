using LibGit2Sharp;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Git;

/// <summary>Rejects desired-state settings at start-up with messages that name the configuration key.</summary>
public sealed class DesiredStateOptionsValidator : IValidateOptions<DesiredStateOptions>
{
    public ValidateOptionsResult Validate(string? name, DesiredStateOptions options)
    {
        var failures = new List<string>();
        const string prefix = DesiredStateOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.Repository))
            failures.Add($"{prefix}:Repository is required (an https URL, file:// URL or local path).");
        else if (RepositoryLocation.DescribeUnsupported(options.Repository) is { } unsupported)
            failures.Add($"{prefix}:Repository {unsupported}");

        if (string.IsNullOrWhiteSpace(options.Branch) || !Reference.IsValidName("refs/heads/" + options.Branch))
            failures.Add($"{prefix}:Branch '{options.Branch}' is not a valid git branch name.");

        if (!IsRelativeRepositoryPath(options.Path))
            failures.Add($"{prefix}:Path '{options.Path}' must be a relative '/'-separated path inside the repository, without '..'.");

        if (options.PollInterval <= TimeSpan.Zero)
            failures.Add($"{prefix}:PollInterval must be greater than zero (a TimeSpan such as 00:00:30).");

        if (options.RemoteTimeout <= TimeSpan.Zero || options.RemoteTimeout > TimeSpan.FromHours(1))
            failures.Add($"{prefix}:RemoteTimeout must be greater than zero and at most an hour (a TimeSpan such as 00:00:30).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsRelativeRepositoryPath(string path) =>
        !string.IsNullOrWhiteSpace(path)
        && !path.StartsWith('/')
        && !path.Contains('\\')
        && path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
