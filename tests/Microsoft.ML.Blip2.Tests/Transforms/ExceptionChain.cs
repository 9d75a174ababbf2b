namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>ML.NET wraps loader exceptions (TargetInvocationException, "Error during class instantiation"): search the chain.</summary>
internal static class ExceptionChain
{
    public static IEnumerable<Exception> Of(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            yield return e;
    }

    /// <summary>Runs <paramref name="action"/> and returns the first exception of type <typeparamref name="T"/> in the chain of what it throws.</summary>
    public static T Find<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return Of(e).OfType<T>().FirstOrDefault()
                ?? throw new AssertFailedException($"Expected a {typeof(T).Name} in the exception chain, got: {string.Join(" -> ", Of(e).Select(x => $"{x.GetType().Name}: {x.Message}"))}", e);
        }

        throw new AssertFailedException($"Expected a {typeof(T).Name}, but nothing was thrown.");
    }
}
