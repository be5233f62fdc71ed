using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>What one ServiceUpdate left behind: the version we wrote against, or nothing when a re-read showed the
/// image already in place.</summary>
internal sealed record UpdateSent(ulong Version, string? ImageBefore);

/// <summary>
/// Sends one service's ServiceUpdate: the spec exactly as read, with only the image and our applied-tag labels
/// changed, written against the version it was read at (optimistic concurrency, as <c>docker service update</c> does).
/// </summary>
internal sealed class ServiceImageUpdater(IDockerClient docker, ILogger logger)
{
    /// <returns>The update sent, or null when a re-read after a version conflict found the image already pinned.</returns>
    public async Task<UpdateSent?> UpdateAsync(
        SwarmService current,
        PinnedImage pinned,
        ApplyRequest request,
        AuthConfig? registryAuth,
        int maxVersionConflictRetries,
        Action<string> report,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var spec = current.Spec;
            var containerSpec = spec?.TaskTemplate?.ContainerSpec
                ?? throw new InvalidOperationException($"{pinned.ServiceName} has no container spec: not a service the swarm engine can update");
            var imageBefore = containerSpec.Image;
            if (attempt > 0 && SpecImage.Runs(imageBefore, pinned)) return null;

            var version = current.Version?.Index ?? 0;
            containerSpec.Image = pinned.Reference;
            spec.Labels = AppliedLabels.With(spec.Labels, request.Tag, request.Revision);
            var parameters = new ServiceUpdateParameters { Service = spec, Version = (long)version };
            // Without credentials the header is left out entirely, and Swarm keeps the pull credentials stored with the
            // spec (registryAuthFrom=spec, the engine's default), as the docker CLI does.
            if (registryAuth is not null) parameters.RegistryAuth = registryAuth;
            try
            {
                // Not cancellable: once started, the request completes, so a stopping daemon never leaves the engine
                // with half a request (and the apply record always knows whether the update was sent).
                var response = await docker.Swarm.UpdateServiceAsync(
                    current.ID ?? pinned.ServiceId,
                    parameters,
                    CancellationToken.None);
                foreach (var warning in response?.Warnings ?? [])
                    Log.UpdateWarning(logger, request.Stack.Name, pinned.ServiceName, warning);
                return new UpdateSent(version, imageBefore);
            }
            catch (Exception exception) when (DockerErrors.IsVersionConflict(exception) && attempt < maxVersionConflictRetries)
            {
                Log.VersionConflict(logger, request.Stack.Name, pinned.ServiceName, version, attempt + 1);
                report($"{pinned.ServiceName}: version {version} is stale (someone else updated the service); re-reading");
                current = await docker.Swarm.InspectServiceAsync(current.ID ?? pinned.ServiceId, cancellationToken);
            }
        }
    }
}
