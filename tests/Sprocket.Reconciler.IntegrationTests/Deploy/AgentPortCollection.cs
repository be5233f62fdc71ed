namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// Tests that run the agent as the stack file deploys it: on the host's network, on the host's port 8080. They run
/// one at a time and after the parallel tests, since two agents cannot both listen there. Nothing else in the suite
/// listens on 8080: every other daemon a test starts listens on a port the kernel picks.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentPortCollection
{
    public const string Name = "Agent on host port 8080";
}
