using System.Collections;
using System.Reflection;

namespace Sprocket.Reconciler.IntegrationTests.Configuration;

/// <summary>
/// Every option key that holds a duration, number, switch or URL, found by reflection over the daemon's options classes,
/// refuses a value of the wrong kind at start: exit 2 and one line naming the key. Found, not listed, so a key added
/// later is covered without anyone adding it here.
/// </summary>
public sealed class OptionKeySweepTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public static TheoryData<string, string> GarbageValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, type) in TypedKeys())
            data.Add(key, Garbage(type));
        return data;
    }

    [Fact]
    public void Every_options_class_declares_its_section_and_the_sweep_finds_typed_keys()
    {
        var undeclared = OptionsTypes().Where(t => Section(t) is null).Select(t => t.FullName).ToList();
        Assert.True(undeclared.Count == 0, $"options classes without a SectionName or Section constant: {string.Join(", ", undeclared)}");
        // The issue's keys, as a floor: if reflection stopped finding them the sweep would pass by checking nothing.
        var keys = TypedKeys().Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal)
        {
            "Reconciler:GitHub:RequestTimeout", "Reconciler:Grafana:RequestTimeout", "Reconciler:Gatus:RequestTimeout",
            "Reconciler:ShutdownGrace", "Reconciler:DesiredState:PollInterval", "Reconciler:GitHub:Notify", "Reconciler:Pulumi:HistoryPageSize",
        }, keys);
    }

    [Theory]
    [MemberData(nameof(GarbageValues))]
    public async Task A_garbage_value_for_any_typed_key_is_refused_with_one_line_naming_it(string key, string value) =>
        ConfigurationRun.AssertRefused(await ConfigurationRun.DaemonAsync(_scratch.Root, $"{key}={value}"), key);

    /// <summary>A value no reading of the type accepts. For durations a bare number: .NET alone would take it as days.</summary>
    private static string Garbage(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(TimeSpan) ? "30"
            : target == typeof(bool) ? "maybe"
            : target == typeof(Uri) ? "http://[not a host"
            : "many";
    }

    private static IEnumerable<(string Key, Type Type)> TypedKeys() =>
        from type in OptionsTypes()
        let section = Section(type)
        where section is not null
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.SetMethod is { IsPublic: true } && IsScalar(property.PropertyType)
        orderby section, property.Name
        select ($"{section}:{property.Name}", property.PropertyType);

    // Strings accept anything and collections are keyed by the operator; both are out of this sweep.
    private static bool IsScalar(Type type) =>
        type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static IEnumerable<Type> OptionsTypes() =>
        typeof(Sprocket.Reconciler.Cli.ExitCodes).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.Name.EndsWith("Options", StringComparison.Ordinal));

    private static string? Section(Type type) =>
        (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)
            ?? type.GetField("Section", BindingFlags.Public | BindingFlags.Static))?.GetRawConstantValue() as string;

    public void Dispose() => _scratch.Dispose();
}
