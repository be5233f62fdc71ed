namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// Writes the live tag back to the desired-state repository after an emergency rollback has been stable
/// (<c>onEmergencyRollback: realign</c>). The registered instance dispatches on
/// <see cref="WriteBackRequest.Mode"/> (the stack's <c>policy.writeBack</c>). Never throws for an outside failure:
/// every outcome, including a refused push or an unreachable GitHub, is a <see cref="WriteBackResult"/>.
/// Never force-pushes the desired-state branch and never overwrites a tag a human committed meanwhile.
/// </summary>
public interface IWriteBack
{
    Task<WriteBackResult> WriteAsync(WriteBackRequest request, CancellationToken cancellationToken);
}
