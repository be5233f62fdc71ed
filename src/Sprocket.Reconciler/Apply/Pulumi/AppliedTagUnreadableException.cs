namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>pulumi stack history</c> could not be read (the CLI failed, was killed or timed out, the checkout failed): not
/// the answer "nothing applied yet". Thrown so the loop keeps the applied tag it knew, as it does for any failed read;
/// a null would replace a known tag with "unknown" after one transient CLI failure.
/// </summary>
public sealed class AppliedTagUnreadableException(string message) : Exception(message);
