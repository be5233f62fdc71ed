namespace Sprocket.Reconciler.Apply;

/// <summary>What the service listing says a stack's engine applied last: a known tag (possibly none), or "ask the engine".</summary>
public abstract record AppliedTagAnswer
{
    public static AppliedTagAnswer AskEngine { get; } = new Ask();

    public static AppliedTagAnswer Known(string? tag) => new KnownTag(tag);

    public sealed record KnownTag(string? Tag) : AppliedTagAnswer;

    public sealed record Ask : AppliedTagAnswer;
}
