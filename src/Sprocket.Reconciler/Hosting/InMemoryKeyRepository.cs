using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Sprocket.Reconciler.Hosting;

/// <summary>
/// Data protection keys kept in memory only. The status pages' Razor components bring ASP.NET Core's data protection
/// (for antiforgery), but the agent hands out nothing protected that must outlive the process: no cookies, no forms,
/// no tokens. The default repository would write an unencrypted key to ~/.aspnet, which a container loses anyway,
/// and warn about both at every start.
/// </summary>
public sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly ConcurrentQueue<XElement> _elements = new();

    public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements.Select(element => new XElement(element))];

    public void StoreElement(XElement element, string friendlyName) => _elements.Enqueue(new XElement(element));
}
