using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>Each notifier exists only when configured; bad settings stop the start with messages naming the key
/// and never repeating a token or a URL.</summary>
public sealed class NotificationOptionsTests
{
    private const string Secret = "s3cr3t-token-value";

    private static IReadOnlyList<string> NotifiersFor(Dictionary<string, string?> settings)
    {
        using var services = NotifyHarness.Build(settings);
        return services.GetRequiredService<NotificationHub>().Notifiers;
    }

    [Fact]
    public void Nothing_configured_means_no_notifier_and_a_publish_that_does_nothing()
    {
        using var services = NotifyHarness.Build(new Dictionary<string, string?>());
        var hub = services.GetRequiredService<NotificationHub>();
        Assert.Empty(hub.Notifiers);
        services.GetRequiredService<INotificationPublisher>().Publish(Notifications.Of(NotificationKind.Hold));
        Assert.Same(hub, services.GetRequiredService<INotificationPublisher>());
        Assert.Contains(services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => ReferenceEquals(s, hub));
    }

    [Fact]
    public void Calling_AddNotifications_twice_registers_one_hub_and_one_reader_set()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging().AddNotifications(configuration).AddNotifications(configuration);
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)));
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(NotificationHub)));
    }

    [Fact]
    public void Each_notifier_is_enabled_by_its_own_section()
    {
        Assert.Equal(["github", "grafana", "gatus"], NotifiersFor(new()
        {
            ["Reconciler:GitHub:Token"] = Secret,
            ["Reconciler:Grafana:Url"] = "https://grafana.example.org",
            ["Reconciler:Grafana:Token"] = Secret,
            ["Reconciler:Gatus:Url"] = "https://status.example.org",
            ["Reconciler:Gatus:Token"] = Secret,
        }));
        Assert.Equal(["gatus"], NotifiersFor(new()
        {
            ["Reconciler:Gatus:Url"] = "https://status.example.org",
            ["Reconciler:Gatus:Token"] = Secret,
        }));
        // The token may be there only for git: Notify=false keeps GitHub quiet.
        Assert.Empty(NotifiersFor(new()
        {
            ["Reconciler:GitHub:Token"] = Secret,
            ["Reconciler:GitHub:Notify"] = "false",
        }));
    }

    [Fact]
    public void Invalid_settings_fail_the_start_naming_every_key_and_no_secret()
    {
        // The host's start validation reports every options type that failed, each with all its failures.
        var error = Assert.Throws<AggregateException>(() => NotifyHarness.Build(new Dictionary<string, string?>
        {
            ["Reconciler:Grafana:Url"] = "grafana.example.org/" + Secret,
            ["Reconciler:Grafana:Token"] = Secret,
            ["Reconciler:Gatus:Url"] = "https://status.example.org",
            ["Reconciler:Gatus:RequestTimeout"] = "00:00:00",
            ["Reconciler:GitHub:ApiUrl"] = "ftp://ghe.example.org",
            ["Reconciler:PublicUrl"] = "/relative",
            ["Reconciler:Notifications:QueueCapacity"] = "0",
        }).Dispose());
        var failures = error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToArray();

        Assert.Contains("Reconciler:Grafana:Url must be an absolute http or https URL without query or fragment.", failures);
        Assert.Contains("Reconciler:Gatus:Token is required when Reconciler:Gatus:Url is set.", failures);
        Assert.Contains("Reconciler:Gatus:RequestTimeout must be above zero and at most 00:10:00.", failures);
        Assert.Contains("Reconciler:GitHub:ApiUrl must be an absolute http or https URL without credentials, query or fragment, "
            + "such as https://api.github.com or https://ghe.example.org/api/v3.", failures);
        Assert.Contains("Reconciler:GitHub:Token is required when Reconciler:GitHub:ApiUrl is set.", failures);
        Assert.Contains("Reconciler:PublicUrl must be an absolute http or https URL without query or fragment.", failures);
        Assert.Contains("Reconciler:Notifications:QueueCapacity must be between 1 and 100000.", failures);
        Assert.DoesNotContain(Secret, error.Message);
    }
}
