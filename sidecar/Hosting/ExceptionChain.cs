namespace ByokGateway.Hosting;

/// <summary>HttpClient and YARP wrap the failures that matter (guard refusals, Keycloak outages) in their own exceptions.</summary>
public static class ExceptionChain
{
    /// <summary>The first exception of type <typeparamref name="T"/> in the chain of inner exceptions, or null.</summary>
    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
