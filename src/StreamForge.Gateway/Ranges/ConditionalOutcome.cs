namespace StreamForge.Gateway.Ranges;

/// <summary>The result of evaluating preconditions (RFC 9110 section 13.2.2).</summary>
internal enum ConditionalOutcome
{
    /// <summary>All preconditions hold (or none was sent): perform the method, then look at Range/If-Range.</summary>
    Proceed,

    /// <summary>304 (RFC 9110 section 15.4.5): the client's cached representation is current.</summary>
    NotModified,

    /// <summary>412 (RFC 9110 section 15.5.13): a precondition the client made the request depend on is false.</summary>
    PreconditionFailed,
}
