namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Builds the field paths errors name, such as <c>stacks[1].services[0].repository</c>.</summary>
internal static class FieldPath
{
    /// <summary>How the document root is named in errors.</summary>
    public const string Root = "$";

    public static string Member(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    public static string Show(string path) => path.Length == 0 ? Root : path;
}
