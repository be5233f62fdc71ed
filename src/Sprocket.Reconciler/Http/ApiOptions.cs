namespace Sprocket.Reconciler.Http;

/// <summary><c>Reconciler:Api</c>. Without a token the write endpoints refuse every request.</summary>
public sealed class ApiOptions
{
    public const string Section = "Reconciler:Api";

    /// <summary>The Bearer token for <c>POST /api/v1/stacks/{name}/reconcile|hold|resume</c>. Never logged.</summary>
    public string? Token { get; set; }
}
