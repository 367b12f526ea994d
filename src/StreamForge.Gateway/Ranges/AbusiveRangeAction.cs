namespace StreamForge.Gateway.Ranges;

/// <summary>What to answer a Range header that looks like a denial-of-service attempt (CVE-2011-3192).</summary>
internal enum AbusiveRangeAction
{
    /// <summary>
    /// Ignore the Range header and send 200 with the whole representation. RFC 9110 section 14.2 lets a server
    /// ignore Range at any time, and every client can cope with a 200.
    /// </summary>
    ServeFull,

    /// <summary>
    /// Send 416. RFC 9110 section 15.5.17 names "an excessive number of small or overlapping ranges" as a reason.
    /// </summary>
    Reject,
}
