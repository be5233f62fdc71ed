using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Cli;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Configuration;

/// <summary>
/// config/appsettings.example.json is what an operator copies: it must name every key the daemon binds, found by
/// reflection over the options classes of the composition root, so that a key added later without a line there
/// fails here. It is plain JSON (no comments), and it must pass the daemon's own start-up checks.
/// </summary>
public sealed class ExampleSettingsTests : IDisposable
{
    private static readonly string ExampleFile = Path.Combine(RepositoryRoot.Path, "config", "appsettings.example.json");

    /// <summary>Bound properties whose key is not <c>Section:Property</c>: the composition root reads them elsewhere.</summary>
    private static readonly Dictionary<string, string> ReadFromAnotherKey = new(StringComparer.OrdinalIgnoreCase)
    {
        [$"{NotificationOptions.SectionName}:{nameof(NotificationOptions.PublicUrl)}"] = NotificationOptions.PublicUrlKey,
    };

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("sprocket-example-settings-").FullName;

    [Fact]
    public void Every_bound_key_is_in_the_example_file()
    {
        var example = ExampleKeys.Read(ExampleFile);
        var missing = ExpectedKeys().Where(key => !key.IsIn(example)).Select(key => key.Describe()).ToList();

        Assert.True(missing.Count == 0,
            $"{ExampleFile} lacks these bound keys; add each with its default value:\n  {string.Join("\n  ", missing)}");
    }

    [Fact]
    public void The_key_walk_covers_every_options_class_the_composition_root_binds()
    {
        var services = new ServiceCollection();
        services.AddReconcilerDaemon(new ConfigurationBuilder().Build());
        var bound = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Assembly == typeof(OptionsSections).Assembly)
            .ToHashSet();
        var walked = OptionsSections.All.Select(s => s.OptionsType).ToHashSet();

        // A floor, so that a composition root that stopped registering options would not pass by comparing nothing.
        Assert.Contains(typeof(PulumiOptions), bound);
        Assert.True(bound.IsSubsetOf(walked),
            "bound but not found by OptionsSections (no SectionName/Section constant?): " + string.Join(", ", bound.Except(walked).Select(t => t.FullName)));
    }

    [Fact]
    public void The_example_file_passes_the_start_up_checks()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(ExampleFile, optional: false)
            // The example names a system folder; the check creates and writes the folder it is given.
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataDirectoryProbe.Key] = _dataDirectory })
            .Build();

        Assert.Null(ConfigurationCheck.FirstProblem(configuration, needsDataDirectory: true));

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddReconcilerDaemon(builder.Configuration);
        using var host = builder.Build();
        var validator = host.Services.GetService<IStartupValidator>();
        Assert.NotNull(validator);
        validator.Validate();
    }

    private static IEnumerable<ExpectedKey> ExpectedKeys()
    {
        foreach (var (section, optionsType) in OptionsSections.All)
        {
            foreach (var property in OptionsSections.BoundProperties(optionsType))
            {
                var key = $"{section}:{property.Name}";
                yield return ExpectedKey.For(ReadFromAnotherKey.GetValueOrDefault(key, key), property.PropertyType);
            }
        }
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    /// <summary>A key and, for a dictionary of objects, the keys each entry may carry.</summary>
    private sealed record ExpectedKey(string Key, IReadOnlyList<string> EntryKeys)
    {
        public static ExpectedKey For(string key, Type type)
        {
            var valueType = DictionaryValueType(type);
            var entryKeys = valueType is null || valueType == typeof(string)
                ? []
                : OptionsSections.BoundProperties(valueType).Select(p => p.Name).ToList();
            return new ExpectedKey(key, entryKeys);
        }

        /// <summary>Present, and for a dictionary of objects every key of the entry type shown in some entry.</summary>
        public bool IsIn(ExampleKeys example) =>
            example.Has(Key) && EntryKeys.All(entryKey => example.EntriesOf(Key).Any(entry => example.Has($"{entry}:{entryKey}")));

        public string Describe() => EntryKeys.Count == 0 ? Key : $"{Key}:<name>:{{{string.Join(", ", EntryKeys)}}}";

        private static Type? DictionaryValueType(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1]
            : typeof(IDictionary).IsAssignableFrom(type) ? typeof(object)
            : null;
    }

    /// <summary>Every path of a JSON settings file as .NET configuration names it (':'-joined, case-insensitive),
    /// objects and arrays included even when empty.</summary>
    private sealed class ExampleKeys
    {
        private readonly HashSet<string> _paths = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<string>> _children = new(StringComparer.OrdinalIgnoreCase);

        public static ExampleKeys Read(string file)
        {
            // Default options refuse comments and trailing commas: the file must be plain JSON.
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var keys = new ExampleKeys();
            keys.Walk(document.RootElement, "");
            return keys;
        }

        public bool Has(string key) => _paths.Contains(key);

        public IEnumerable<string> EntriesOf(string key) => _children.GetValueOrDefault(key) ?? [];

        private void Walk(JsonElement element, string path)
        {
            if (path.Length > 0) _paths.Add(path);
            if (element.ValueKind != JsonValueKind.Object) return;
            var names = _children[path] = [];
            foreach (var property in element.EnumerateObject())
            {
                var child = path.Length == 0 ? property.Name : $"{path}:{property.Name}";
                names.Add(child);
                Walk(property.Value, child);
            }
        }
    }
}
