using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Apply;

/// <summary>
/// The last gate before an apply: the tag must be immutable, and every managed service's
/// <c>repository:tag</c> must resolve now. One config key pins all services and CI may have pushed the tag
/// for only some of them, so one failure stops the whole stack — nothing is applied to any service.
/// </summary>
public sealed class ApplyPreflight(ITagResolver resolver)
{

    public async Task<PreflightResult> PinAsync(DesiredState desired, StackSpec stack, StackEvaluation evaluation, CancellationToken cancellationToken)
    {
        if (!ImmutableTagPolicy.IsImmutable(stack.ImageTag, desired.ImmutableTagPattern))
            return PreflightResult.Refused($"{stack.ImageTag} is not an immutable tag (pattern {desired.ImmutableTagPattern}); never applied", invalid: true);

        var pattern = ImmutableTagPolicy.Pattern(desired.ImmutableTagPattern);
        var pins = new List<PinnedImage>();
        foreach (var service in stack.Services)
        {
            var resolution = await resolver.ResolveAsync(RepositoryName.Normalize(service.Repository), stack.ImageTag, pattern, cancellationToken);
            if (!resolution.IsResolved)
            {
                if (resolution.Transient)
                    return PreflightResult.RegistryUnavailable(
                        $"registry unavailable: {service.Repository}:{stack.ImageTag} could not be resolved ({resolution.Failure}: {resolution.Message}); nothing applied to any service",
                        resolution.RetryAfter);
                return PreflightResult.Refused(
                    $"{service.Repository}:{stack.ImageTag} does not resolve ({resolution.Failure}: {resolution.Message}); nothing applied to any service",
                    invalid: resolution.Failure is not RegistryFailureKind.Other);
            }

            foreach (var live in evaluation.Services.Where(s => !s.ObserveOnly && s.Repository == service.Repository && s.ServiceId is not null))
                pins.Add(new PinnedImage(live.Name, live.ServiceId!, service.Repository, stack.ImageTag, resolution.Digest!));
        }
        return PreflightResult.Pinned(pins);
    }
}

/// <summary>Either the images to apply, or why nothing may be applied. <paramref name="Invalid"/>: a human must change
/// git (missing tag, mutable tag). <paramref name="RegistryDown"/>: the registry could not be asked (outage, timeout, 5xx,
/// 429 with <paramref name="RetryAfter"/>): retried on its own backoff, never counted toward the circuit.</summary>
public sealed record PreflightResult(IReadOnlyList<PinnedImage> Images, string? Refusal, bool Invalid, bool RegistryDown = false, TimeSpan? RetryAfter = null)
{
    public static PreflightResult Pinned(IReadOnlyList<PinnedImage> images) => new(images, null, false);
    public static PreflightResult Refused(string why, bool invalid) => new([], why, invalid);
    public static PreflightResult RegistryUnavailable(string why, TimeSpan? retryAfter) => new([], why, false, true, retryAfter);
}
