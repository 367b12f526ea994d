namespace StreamForge.Gateway.Ranges;

/// <summary>How to answer a GET once its Range header has met the representation length.</summary>
internal enum RangeDecisionKind
{
    /// <summary>200 with the whole representation (no Range, an invalid one, or abuse with ServeFull).</summary>
    Full,

    /// <summary>206 with one Content-Range (RFC 9110 section 15.3.7.1).</summary>
    Single,

    /// <summary>206 multipart/byteranges (RFC 9110 sections 15.3.7.2 and 14.6).</summary>
    Multiple,

    /// <summary>416 with <c>Content-Range: bytes */LEN</c> (RFC 9110 section 15.5.17).</summary>
    Unsatisfiable,
}
