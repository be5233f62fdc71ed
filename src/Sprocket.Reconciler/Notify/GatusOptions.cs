namespace Sprocket.Reconciler.Notify;

/// <summary>
/// <c>Reconciler:Gatus</c>: a result per stack pushed to a Gatus external endpoint. Enabled when <c>Url</c> is set.
/// Each stack needs an <c>external-endpoints</c> entry in Gatus' config with <c>group</c> = <see cref="Group"/>,
/// <c>name</c> = the stack name and the token given here.
/// </summary>
public sealed class GatusOptions
{
    public const string SectionName = "Reconciler:Gatus";
    public const string DefaultGroup = "sprocket-reconciler";

    /// <summary>Gatus' root URL (with its sub-path, if any).</summary>
    public string? Url { get; set; }

    /// <summary>The external endpoints' bearer token (the same for every stack unless <see cref="StackTokens"/> says
    /// otherwise). Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Per-stack tokens, <c>Reconciler:Gatus:StackTokens:&lt;stack&gt;</c>, for Gatus configs that give each
    /// external endpoint its own. Never logged.</summary>
    public Dictionary<string, string> StackTokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The Gatus group of the stacks' external endpoints; part of the key.</summary>
    public string Group { get; set; } = DefaultGroup;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public string? TokenFor(string stack) =>
        StackTokens.TryGetValue(stack, out var token) && !string.IsNullOrEmpty(token) ? token : Token;
}
