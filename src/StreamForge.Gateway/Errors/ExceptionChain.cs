namespace StreamForge.Gateway.Errors;

internal static class ExceptionChain
{
    /// <summary>The first exception of type <typeparamref name="T"/> in <paramref name="ex"/> and its inner exceptions (clients such as YARP and the AWS SDK wrap what a body stream threw).</summary>
    public static T? FindInChain<T>(this Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }
}
