using Docker.DotNet.Models;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

public sealed class SwarmServiceMapperAppliedTagTests
{
    [Fact]
    public void The_applied_tag_label_of_the_spec_becomes_the_live_services_applied_tag()
    {
        var mapped = SwarmServiceMapper.Map(Service(new Dictionary<string, string>
        {
            [AppliedLabels.Tag] = "git-bbb2222",
            [AppliedLabels.Revision] = "0123456789abcdef0123456789abcdef01234567",
            ["com.docker.stack.namespace"] = "shop",
        }), new RollbackOriginMemory());

        Assert.Equal("git-bbb2222", mapped?.AppliedTag);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "")]
    [InlineData(true, "  ")]
    public void A_spec_without_a_usable_applied_tag_label_maps_to_no_applied_tag(bool withLabels, string? tag)
    {
        var labels = withLabels ? new Dictionary<string, string> { ["com.docker.stack.namespace"] = "shop" } : null;
        if (labels is not null && tag is not null) labels[AppliedLabels.Tag] = tag;

        var mapped = SwarmServiceMapper.Map(Service(labels), new RollbackOriginMemory());

        Assert.NotNull(mapped);
        Assert.Null(mapped.AppliedTag);
    }

    private static SwarmService Service(IDictionary<string, string>? labels) => new()
    {
        ID = "svc1",
        Version = new global::Docker.DotNet.Models.Version { Index = 42 },
        Spec = new ServiceSpec
        {
            Name = "shop-web",
            Labels = labels!,
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "registry.example/shop/web:git-bbb2222@sha256:" + new string('a', 64) } },
        },
    };
}
