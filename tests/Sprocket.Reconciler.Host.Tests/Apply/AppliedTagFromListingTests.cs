using System.Collections.Immutable;
using Docker.DotNet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Apply;

/// <summary>
/// The engines answer a stack's applied tag from the loop's listing: swarm from its labels (the same matching as the drift
/// classifier), pulumi never (only its stack history knows). The Docker client points at a socket nobody serves, so an
/// engine that made a call instead would fail.
/// </summary>
public sealed class AppliedTagFromListingTests : IDisposable
{
    private const string Web = "registry.example/shop/web";
    private const string Worker = "registry.example/shop/worker";
    private readonly ServiceProvider _provider;

    public AppliedTagFromListingTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DataDirectory"] = Path.Combine(Path.GetTempPath(), "sprocket-host-tests-unused"),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IDockerClient>(DockerClientFactory.Create(new Uri("unix:///nonexistent/sprocket-host-tests.sock")));
        services.AddOptions<RegistryOptions>();
        services.AddSwarmApplyEngine(configuration);
        services.AddPulumiApplyEngine(configuration);
        _provider = services.BuildServiceProvider();
    }

    public void Dispose() => _provider.Dispose();

    private IApplyEngine Engine(string name) => _provider.GetServices<IApplyEngine>().Single(engine => engine.Engine == name);

    [Fact]
    public void Swarm_answers_the_tag_every_managed_service_is_labelled_with()
    {
        var live = new LiveIndex([
            Service("shop-web-1", Web, "git-bbb2222"),
            Service("shop-web-2", Web, "git-bbb2222"),
            Service("shop-worker-1", Worker, "git-bbb2222"),
            // Another stack's service, labelled otherwise: not the shop's business.
            Service("blog-web-1", Web, "git-ccc3333"),
        ]);

        var answer = Engine("swarm").AppliedTagFromListing(Stack(StackEngine.Swarm), live);

        Assert.True(answer.IsKnown);
        Assert.Equal("git-bbb2222", answer.Tag);
    }

    [Fact]
    public void Swarm_knows_there_is_no_single_applied_tag_when_the_labels_disagree()
    {
        var live = new LiveIndex([Service("shop-web-1", Web, "git-bbb2222"), Service("shop-worker-1", Worker, "git-aaa1111")]);

        Assert.Equal(AppliedTagAnswer.Known(null), Engine("swarm").AppliedTagFromListing(Stack(StackEngine.Swarm), live));
    }

    [Fact]
    public void Swarm_knows_there_is_no_applied_tag_when_a_managed_service_carries_no_label()
    {
        // A Swarm rollback restores a spec written before our first apply: no labels.
        var live = new LiveIndex([Service("shop-web-1", Web, "git-bbb2222"), Service("shop-worker-1", Worker, null)]);

        Assert.Equal(AppliedTagAnswer.Known(null), Engine("swarm").AppliedTagFromListing(Stack(StackEngine.Swarm), live));
    }

    [Fact]
    public void Swarm_knows_there_is_no_applied_tag_when_no_service_matches()
    {
        var live = new LiveIndex([Service("blog-web-1", Web, "git-bbb2222")]);

        Assert.Equal(AppliedTagAnswer.Known(null), Engine("swarm").AppliedTagFromListing(Stack(StackEngine.Swarm), live));
    }

    [Fact]
    public void Pulumi_asks_its_engine_whatever_the_labels_say()
    {
        var live = new LiveIndex([Service("shop-web-1", Web, "git-bbb2222"), Service("shop-worker-1", Worker, "git-bbb2222")]);

        var answer = Engine("pulumi").AppliedTagFromListing(Stack(StackEngine.Pulumi), live);

        Assert.Equal(AppliedTagAnswer.AskEngine, answer);
        Assert.False(answer.IsKnown);
        Assert.Null(answer.Tag);
    }

    private static StackSpec Stack(StackEngine engine) => new(
        Name: "shop",
        Engine: engine,
        ImageTag: "git-ccc3333",
        Pulumi: engine == StackEngine.Pulumi
            ? new PulumiSpec("shop", "prod", ".", "image-tag", new ProgramSource("https://git.example/shop-infra.git", "main"))
            : null,
        Services: [new ServiceSpec(Web, "shop-web-*"), new ServiceSpec(Worker, "shop-worker-*")],
        ObserveOnly: ImmutableArray<ObservedServiceSpec>.Empty,
        Policy: StackPolicy.Default);

    private static LiveService Service(string name, string repository, string? appliedTag) =>
        new("id-" + name, name, ImageReferenceParser.Parse($"{repository}:{appliedTag ?? "git-aaa1111"}"), null, null, 1, AppliedTag: appliedTag);
}
