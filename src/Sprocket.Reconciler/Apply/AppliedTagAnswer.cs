namespace Sprocket.Reconciler.Apply;

/// <summary>
/// What an engine can say about a stack's applied tag from the service listing the loop already holds, without
/// another call: <see cref="Known"/> (the swarm engine's labels travel in the listing; a null tag means the listing
/// names none, e.g. a Swarm rollback restored a spec without our labels) or <see cref="AskEngine"/> (only the
/// engine's own record knows — pulumi's <c>stack history</c>; call <see cref="IApplyEngine.ReadAppliedTagAsync"/>).
/// </summary>
public sealed record AppliedTagAnswer
{
    private AppliedTagAnswer(bool isKnown, string? tag)
    {
        IsKnown = isKnown;
        Tag = tag;
    }

    /// <summary>The listing cannot answer; only the engine can.</summary>
    public static AppliedTagAnswer AskEngine { get; } = new(false, null);

    /// <summary>The listing answers: <paramref name="tag"/>, or null when it shows no single applied tag.</summary>
    public static AppliedTagAnswer Known(string? tag) => new(true, tag);

    public bool IsKnown { get; }

    /// <summary>The applied tag when <see cref="IsKnown"/>; always null for <see cref="AskEngine"/>.</summary>
    public string? Tag { get; }

    public override string ToString() => IsKnown ? $"Known({Tag ?? "null"})" : "AskEngine";
}
