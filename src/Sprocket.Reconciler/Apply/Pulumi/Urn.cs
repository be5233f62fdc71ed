namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>urn:pulumi:&lt;stack&gt;::&lt;project&gt;::&lt;parent-type$…$type&gt;::&lt;name&gt;</c>; the qualified type
/// carries the parents' types joined by <c>$</c>, the resource's own type is the last of them.
/// </summary>
internal static class Urn
{
    private const string Separator = "::";

    public static string Type(string urn)
    {
        var parts = urn.Split(Separator);
        if (parts.Length < 4)
            return "";
        var qualified = parts[2];
        var dollar = qualified.LastIndexOf('$');
        return dollar < 0 ? qualified : qualified[(dollar + 1)..];
    }

    public static string Name(string urn)
    {
        var parts = urn.Split(Separator);
        return parts.Length < 4 ? urn : string.Join(Separator, parts[3..]);
    }
}
