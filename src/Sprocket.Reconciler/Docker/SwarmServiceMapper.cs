using Docker.DotNet.Models;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Docker;

/// <summary>Turns the Engine API's service objects into the core's <see cref="LiveService"/> records.</summary>
public static class SwarmServiceMapper
{
    public static LiveService? Map(SwarmService service, RollbackOriginMemory origins)
    {
        var imageText = service.Spec?.TaskTemplate?.ContainerSpec?.Image;
        // Services of other kinds (plugins, network attachments) carry no container image: nothing to compare.
        if (!ImageReferenceParser.TryParse(imageText, out var image)) return null;
        ImageReferenceParser.TryParse(service.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, out var previous);

        return new LiveService(
            service.ID,
            service.Spec!.Name ?? service.ID,
            image,
            previous,
            MapUpdateStatus(service.ID, service.UpdateStatus, origins),
            service.Version?.Index ?? 0,
            (int)(service.ServiceStatus?.RunningTasks ?? 0),
            (int)(service.ServiceStatus?.DesiredTasks ?? 0),
            AppliedTag: AppliedLabels.ReadTag(service.Spec.Labels));
    }

    private static LiveUpdateStatus? MapUpdateStatus(string serviceId, UpdateStatus? status, RollbackOriginMemory origins)
    {
        if (status is null || string.IsNullOrEmpty(status.State)) return null;
        var startedAt = SwarmTime.ToOffset(status.StartedAt);
        // Parsed once here: everything past the mapper compares the enum, never Swarm's words.
        var state = SwarmUpdateStates.Parse(status.State) ?? SwarmUpdateState.Unknown;
        var origin = state.IsRollback()
            ? origins.Recall(serviceId, startedAt, status.Message)
            : RollbackOrigin.Unknown;
        return new LiveUpdateStatus(state, status.Message, startedAt, SwarmTime.ToOffset(status.CompletedAt), origin, status.State);
    }
}
