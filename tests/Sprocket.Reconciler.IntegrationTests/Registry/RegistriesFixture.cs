namespace Sprocket.Reconciler.IntegrationTests.Registry;

/// <summary>Two real registries shared by a test class: one open, one behind htpasswd Basic auth.</summary>
public sealed class RegistriesFixture : IAsyncLifetime
{
    public const string User = "ci-puller";
    public const string Password = "s3cret-Pa55word-for-tests";

    public DistributionRegistry Open { get; private set; } = null!;

    public DistributionRegistry WithBasicAuth { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var open = DistributionRegistry.StartAsync();
        var basic = DistributionRegistry.StartAsync((User, Password));
        Open = await open;
        WithBasicAuth = await basic;
    }

    public async Task DisposeAsync()
    {
        if (Open is not null)
        {
            await Open.DisposeAsync();
        }
        if (WithBasicAuth is not null)
        {
            await WithBasicAuth.DisposeAsync();
        }
    }
}
