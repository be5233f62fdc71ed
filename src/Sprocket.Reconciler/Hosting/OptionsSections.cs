using System.Reflection;

namespace Sprocket.Reconciler.Hosting;

/// <summary>One options class and the configuration section it is bound from.</summary>
public sealed record OptionsSection(string Section, Type OptionsType);

/// <summary>
/// Every options class of the daemon, found by the section constant each declares (<c>SectionName</c> or
/// <c>Section</c>). Found rather than listed so that a new options class is checked at start without anyone
/// remembering to add it here.
/// </summary>
public static class OptionsSections
{
    public static IReadOnlyList<OptionsSection> All { get; } = typeof(OptionsSections).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Options", StringComparison.Ordinal))
        .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)
            ?? t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(p => p.Field is { IsLiteral: true } && p.Field.FieldType == typeof(string))
        .Select(p => new OptionsSection((string)p.Field!.GetRawConstantValue()!, p.Type))
        .OrderBy(s => s.Section, StringComparer.Ordinal).ThenBy(s => s.OptionsType.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The settable properties the binder fills from <c>Section:Property</c>.</summary>
    public static IEnumerable<PropertyInfo> BoundProperties(Type optionsType) =>
        optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic);
}
