namespace StreamForge.Gateway.Proxy;

/// <summary>What a GET or HEAD on a storage route answers, once conditionals and ranges are evaluated.</summary>
internal enum DownloadPlanKind
{
    Full,
    Single,
    Multiple,
    NotModified,
    PreconditionFailed,
    Unsatisfiable,
}
