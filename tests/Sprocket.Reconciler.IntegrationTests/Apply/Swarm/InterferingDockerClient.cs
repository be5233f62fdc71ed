using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Swarm;

/// <summary>
/// The real engine client, except that before the first ServiceUpdate goes out it runs <paramref name="interfere"/>
/// (a test's `docker service update` by "someone else"), so the engine really answers that update with a version
/// conflict. Records every ServiceUpdate and how the engine answered it.
/// </summary>
public sealed class InterferingDockerClient(IDockerClient inner, Func<Task> interfere) : IDockerClient
{
    private readonly InterferingSwarmOperations _swarm = new(inner.Swarm, interfere);

    /// <summary>Each ServiceUpdate sent: its version, and the exception the engine answered with (null on success).</summary>
    public IReadOnlyList<(long Version, Exception? Error)> Updates => _swarm.Updates;

    public global::Docker.DotNet.Handler.Abstractions.ResolvedClientOptions Options => inner.Options;
    public ISystemOperations System => inner.System;
    public IContainerOperations Containers => inner.Containers;
    public IImageOperations Images => inner.Images;
    public INetworkOperations Networks => inner.Networks;
    public IVolumeOperations Volumes => inner.Volumes;
    public ISecretsOperations Secrets => inner.Secrets;
    public IConfigOperations Configs => inner.Configs;
    public IDistributionOperations Distribution => inner.Distribution;
    public ISwarmOperations Swarm => _swarm;
    public ITasksOperations Tasks => inner.Tasks;
    public IPluginOperations Plugin => inner.Plugin;
    public IExecOperations Exec => inner.Exec;

    public void Dispose() => inner.Dispose();

    private sealed class InterferingSwarmOperations(ISwarmOperations inner, Func<Task> interfere) : ISwarmOperations
    {
        private bool _interfered;

        public List<(long Version, Exception? Error)> Updates { get; } = [];

        public async Task<ServiceUpdateResponse> UpdateServiceAsync(string id, ServiceUpdateParameters parameters, CancellationToken cancellationToken)
        {
            if (!_interfered)
            {
                _interfered = true;
                await interfere();
            }
            try
            {
                var response = await inner.UpdateServiceAsync(id, parameters, cancellationToken);
                Updates.Add((parameters.Version, null));
                return response;
            }
            catch (Exception exception)
            {
                Updates.Add((parameters.Version, exception));
                throw;
            }
        }

        public Task<SwarmUnlockResponse> GetSwarmUnlockKeyAsync(CancellationToken cancellationToken) => inner.GetSwarmUnlockKeyAsync(cancellationToken);
        public Task<string> InitSwarmAsync(SwarmInitParameters parameters, CancellationToken cancellationToken) => inner.InitSwarmAsync(parameters, cancellationToken);
        public Task<SwarmInspectResponse> InspectSwarmAsync(CancellationToken cancellationToken) => inner.InspectSwarmAsync(cancellationToken);
        public Task JoinSwarmAsync(SwarmJoinParameters parameters, CancellationToken cancellationToken) => inner.JoinSwarmAsync(parameters, cancellationToken);
        public Task LeaveSwarmAsync(SwarmLeaveParameters? parameters, CancellationToken cancellationToken) => inner.LeaveSwarmAsync(parameters, cancellationToken);
        public Task UnlockSwarmAsync(SwarmUnlockParameters parameters, CancellationToken cancellationToken) => inner.UnlockSwarmAsync(parameters, cancellationToken);
        public Task UpdateSwarmAsync(SwarmUpdateParameters parameters, CancellationToken cancellationToken) => inner.UpdateSwarmAsync(parameters, cancellationToken);
        public Task<ServiceCreateResponse> CreateServiceAsync(ServiceCreateParameters parameters, CancellationToken cancellationToken) => inner.CreateServiceAsync(parameters, cancellationToken);
        public Task<SwarmService> InspectServiceAsync(string id, CancellationToken cancellationToken) => inner.InspectServiceAsync(id, cancellationToken);
        public Task<IList<SwarmService>> ListServicesAsync(ServiceListParameters? parameters, CancellationToken cancellationToken) => inner.ListServicesAsync(parameters, cancellationToken);
        public Task RemoveServiceAsync(string id, CancellationToken cancellationToken) => inner.RemoveServiceAsync(id, cancellationToken);
        public Task<Stream> GetServiceLogsAsync(string id, ServiceLogsParameters parameters, CancellationToken cancellationToken) => inner.GetServiceLogsAsync(id, parameters, cancellationToken);
        public Task<MultiplexedStream> GetServiceLogsAsync(string id, bool tty, ServiceLogsParameters parameters, CancellationToken cancellationToken) => inner.GetServiceLogsAsync(id, tty, parameters, cancellationToken);
        public Task<IList<NodeListResponse>> ListNodesAsync(CancellationToken cancellationToken) => inner.ListNodesAsync(cancellationToken);
        public Task<NodeListResponse> InspectNodeAsync(string id, CancellationToken cancellationToken) => inner.InspectNodeAsync(id, cancellationToken);
        public Task RemoveNodeAsync(string id, bool? force, CancellationToken cancellationToken) => inner.RemoveNodeAsync(id, force, cancellationToken);
        public Task UpdateNodeAsync(string id, ulong version, NodeUpdateParameters parameters, CancellationToken cancellationToken) => inner.UpdateNodeAsync(id, version, parameters, cancellationToken);
    }
}
