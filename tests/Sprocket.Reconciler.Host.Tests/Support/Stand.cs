using System.Reflection;

namespace Sprocket.Reconciler.Host.Tests.Support;

/// <summary>An interface answered by one function: the code under test touches two or three calls of Docker.DotNet's
/// wide client, and a full fake of it would be mostly noise.</summary>
public class Stand : DispatchProxy
{
    private Func<MethodInfo, object?[]?, object?> _answer = (_, _) => null;

    public static T In<T>(Func<MethodInfo, object?[]?, object?> answer) where T : class
    {
        var proxy = Create<T, Stand>();
        ((Stand)(object)proxy)._answer = answer;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _answer(targetMethod!, args);
}
