using System.Globalization;
using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// What the cache did for one request, written as the response's <c>Cache-Status</c> (RFC 9211) and <c>Age</c>
/// (RFC 9111 section 5.1) just before the headers go out, and counted by status.
/// </summary>
internal sealed class CacheTrace : ICacheOutcome
{
    /// <summary>The cache's name in Cache-Status, as RFC 9211 section 2 asks (one member per cache on the path).</summary>
    public const string CacheName = "StreamForge";

    private string? _forward = "bypass";
    private string? _detail;
    private int? _forwardStatus;
    private bool _stored;
    private bool _collapsed;
    private TimeSpan? _ttl;
    private TimeSpan? _age;
    private bool _decided;

    /// <summary>Whether the upstream was asked for any of the answer: all but a hit served whole from disk.</summary>
    public bool Forwarded => _forward is not null;

    /// <summary>For the metric: hit, miss, partial, revalidated, stale, bypass.</summary>
    public string Status { get; private set; } = "bypass";

    /// <summary>Served from a fresh stored version (<see cref="Body"/> may still make it partial).</summary>
    public void Hit(Freshness freshness, DateTimeOffset now)
    {
        if (!Decide())
        {
            return;
        }

        _forward = null;
        Status = "hit";
        _ttl = freshness.TimeToLive(now);
        _age = freshness.CurrentAge(now);
    }

    /// <summary>
    /// Nothing usable was stored: fetched, and stored when <paramref name="stored"/> is the new version's freshness.
    /// A stored response is served with its age (the origin's Age and the time it spent on the way count, RFC 9111
    /// section 4.2.3); one passed through keeps the origin's Age, as it did not come from the cache (section 5.1).
    /// </summary>
    /// <param name="forward">RFC 9211 section 2.2's reason: <c>miss</c>, or <c>stale</c> / <c>request</c> when a stored
    /// version existed but could not be used (stale, and the origin failed beyond what stale-if-error allows).</param>
    /// <param name="upstreamStatus">The origin's status to the probe, when it answered (<c>fwd-status</c>).</param>
    public void Miss(Freshness? stored, DateTimeOffset now, string forward = "miss", int? upstreamStatus = null)
    {
        if (!Decide())
        {
            return;
        }

        _forward = forward;
        _forwardStatus = upstreamStatus;
        Status = "miss";
        _stored = stored is not null;
        _age = stored?.CurrentAge(now);
        _ttl = null;
    }

    /// <summary>
    /// A stored version was checked upstream and is still current (304, or the same validator): because it was stale,
    /// or, when <paramref name="requested"/>, because the request asked for it (RFC 9211 section 2.2 <c>fwd=request</c>).
    /// </summary>
    public void Revalidated(Freshness freshness, DateTimeOffset now, int upstreamStatus, bool requested = false)
    {
        if (!Decide())
        {
            return;
        }

        _forward = requested ? "request" : "stale";
        Status = "revalidated";
        _forwardStatus = upstreamStatus;
        _ttl = freshness.TimeToLive(now);
        _age = freshness.CurrentAge(now);
    }

    /// <summary>A stored version was checked upstream and had changed: the new one is fetched and stored.</summary>
    public void Replaced(Freshness stored, DateTimeOffset now, bool requested = false)
    {
        if (!Decide())
        {
            return;
        }

        _forward = requested ? "request" : "stale";
        Status = "miss";
        _stored = true;
        _age = stored.CurrentAge(now);
        _ttl = null;
    }

    /// <summary>A stale version served because upstream failed (RFC 5861 stale-if-error).</summary>
    public void ServedStale(Freshness freshness, DateTimeOffset now, int? upstreamStatus)
    {
        if (!Decide())
        {
            return;
        }

        _forward = "stale";
        Status = "stale";
        _forwardStatus = upstreamStatus;
        _detail = "stale-if-error";
        _ttl = freshness.TimeToLive(now);
        _age = freshness.CurrentAge(now);
    }

    /// <summary>A stale version served at once while it is revalidated in the background (RFC 5861 stale-while-revalidate).</summary>
    public void ServedWhileRevalidating(Freshness freshness, DateTimeOffset now)
    {
        if (!Decide())
        {
            return;
        }

        _forward = null;
        Status = "stale";
        _detail = "stale-while-revalidate";
        _ttl = freshness.TimeToLive(now);
        _age = freshness.CurrentAge(now);
    }

    /// <summary>The cache is not writing (a full disk): whatever was fetched is not stored, and the header must not say so (RFC 9211 section 2.7).</summary>
    public void NothingStored() => _stored = false;

    /// <summary>The body's slices as the response starts: all on disk keeps a hit; some missing makes it a partial hit.</summary>
    public void Body(bool allOnDisk, bool joinedFill)
    {
        _collapsed |= joinedFill;
        if (!allOnDisk && _forward is null && Status == "hit")
        {
            _forward = "partial";
            Status = "partial";
        }
    }

    /// <summary>
    /// The version this request was planned on is gone (changed upstream, or unpinnable and lost): if the request is
    /// planned again, the next answer decides its status, not what was said of the old version.
    /// </summary>
    public void Reopen()
    {
        _decided = false;
        _detail = null;
        _forwardStatus = null;
        _stored = false;
        _collapsed = false;
    }

    /// <summary>The first metadata answer of a request decides its status; later lookups (a planned read after a HEAD) repeat it.</summary>
    private bool Decide()
    {
        if (_decided)
        {
            return false;
        }

        _decided = true;
        return true;
    }

    /// <summary>RFC 9211 syntax, e.g. <c>StreamForge; hit; ttl=287</c> or <c>StreamForge; fwd=miss; stored; collapsed</c>.</summary>
    public string HeaderValue()
    {
        var value = CacheName + (_forward is null ? "; hit" : $"; fwd={_forward}");
        if (_forwardStatus is { } status)
        {
            value += string.Create(CultureInfo.InvariantCulture, $"; fwd-status={status}");
        }

        if (_ttl is { } ttl)
        {
            value += string.Create(CultureInfo.InvariantCulture, $"; ttl={(long)Math.Floor(ttl.TotalSeconds)}");
        }

        if (_stored)
        {
            value += "; stored";
        }

        if (_collapsed)
        {
            value += "; collapsed";
        }

        return _detail is null ? value : $"{value}; detail={_detail}";
    }

    /// <summary>Writes Cache-Status and, when a stored version answered, Age (whole seconds, RFC 9111 section 5.1).</summary>
    public void WriteTo(IHeaderDictionary headers)
    {
        headers["Cache-Status"] = HeaderValue();
        if (Status != "bypass" && _age is { } age)
        {
            headers[HeaderNames.Age] = ((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }
}
