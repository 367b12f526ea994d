namespace StreamForge.Gateway.Security;

/// <summary>Who may write (PUT) through a storage route; read from the route's <c>WriteAccess</c> metadata.</summary>
internal enum WriteAccess
{
    /// <summary>Read-only route (the default): writes get 405.</summary>
    None,

    /// <summary>Writes only from loopback clients: the embedded default for a newcomer's laptop.</summary>
    Loopback,

    /// <summary>Writes need an API key or a JWT bearer token (<c>StreamForge:Auth</c>); others get 401.</summary>
    Authenticated,

    /// <summary>Anyone may write: an explicit opt-in, never a default.</summary>
    Anonymous,
}
