namespace StreamForge.Gateway.Streaming;

/// <summary>What a stream reports while bytes move: metrics hang off this, the copy loop stays free of them.</summary>
internal interface ICopyObserver
{
    void OnCopied(int bytes);

    /// <summary>Time spent waiting on a bandwidth throttle before a write.</summary>
    void OnThrottled(TimeSpan waited);

    /// <summary>Time a write took to be accepted: the cost of a slow reader on the other side.</summary>
    void OnBackpressure(TimeSpan waited);
}
