namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// The rollback visible in Swarm, as the policy last noted it. Swarm keeps saying "rollback_completed" until the next
/// update, so the policy must remember whether that rollback is still unanswered — and by what it was answered.
/// Exactly one of the three is set.
/// </summary>
/// <param name="ForTag">Unanswered: git named this tag when the rollback was first seen; once git names another tag,
/// that commit is the humans' answer.</param>
/// <param name="AnsweredIdentity">Answered, and which rollback was answered (each rolled-back service with the rollback's
/// start), so any next commit is applied while a new rollback by the on-call is held again.</param>
/// <param name="AnsweredByHuman">Answered through the API's resume: the person on call let the desired tag go out again.</param>
/// <param name="Identity">Unanswered: which rollback was seen (each rolled-back service with the rollback's start), when
/// Swarm said. A rollback reporting a service@start not in this identity is a new one — the on-call rolled back again — and is not answered by
/// a commit that answered the one before (the realignment's own write-back, above all).</param>
public sealed record RollbackSeen(string? ForTag, string? AnsweredIdentity, bool AnsweredByHuman, string? Identity = null)
{
    public static RollbackSeen WhileGitNames(string desiredTag, string? identity = null) => new(desiredTag, null, false, identity);

    public static RollbackSeen Answered(string identity) => new(null, identity, false);

    public static RollbackSeen AnsweredThroughResume { get; } = new(null, null, true);
}
