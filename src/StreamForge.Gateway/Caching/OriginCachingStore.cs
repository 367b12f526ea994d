using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// An HTTP origin through the edge cache, for one GET or HEAD, with RFC 9111 shared-cache rules
/// (<see cref="OriginCacheRules"/>). A miss first looks at the origin with a ranged GET of the slice the client
/// reads first (<paramref name="readsFrom"/>; one byte, <c>Range: bytes=0-0</c>, for a request that reads no body
/// or whose first byte is not known yet): its headers decide whether and how long to store, its Content-Range
/// gives the length, and a 200 instead of a 206 marks an origin that ignores ranges (its body is then read once,
/// slice after slice). When it is stored, that answer's body fills its slice (<see cref="HeldOriginResponse"/>):
/// one origin request per miss, as a cache that stores from the client's own request makes. A stale copy is
/// revalidated with the same look made conditional; a 304 refreshes the stored headers. Further slices are fetched
/// with ranged GETs pinned to the version (<see cref="OriginPinnedReads"/>), so no response
/// mixes two versions; a response without either validator is stored only when the look's answer held all of it
/// (<see cref="CachedVersion.Unpinnable"/>). What cannot be stored goes through YARP, from the look's own answer when
/// that answers the client too (<see cref="OriginAnswer"/>). Disposed when its request ends, which drops a held
/// answer nobody took.
/// </summary>
/// <param name="readsFrom">The first byte the client's GET reads, or null for a HEAD or a suffix range.</param>
internal sealed class OriginCachingStore(
    EdgeCache cache, Func<Task<OriginTarget>> findTarget, Func<string, string?> requestHeader, bool requestHasAuthorization, bool requestIsHead, long? readsFrom,
    CacheBinding binding, CacheTrace trace, CacheMetrics metrics, TimeProvider time, ILogger logger)
    : CachedObjectStore(cache, binding, trace, metrics), IDisposable
{
    /// <summary>The request fields that carry cache directives, passed on to the origin with a client's look.</summary>
    private static readonly string[] ForwardedDirectiveFields = ["Cache-Control", "Pragma"];

    /// <summary>The client's validators, passed on with a client's look when nothing is stored to revalidate (RFC 9111 section 4.3.2).</summary>
    private static readonly string[] ForwardedValidatorFields = ["If-None-Match", "If-Modified-Since"];

    private Task<OriginTarget>? _target;

    private OriginPinnedReads? _reads;

    /// <summary>The look's stored answer this request saw, while no fill has taken it (shared with requests collapsed onto it).</summary>
    private HeldOriginResponse? _held;

    /// <summary>The answer to this request's own look, not stored, for its forward to use instead of asking again.</summary>
    private HttpResponseMessage? _answer;

    /// <summary>Worked out once per request, and only when the origin must be asked.</summary>
    private Task<OriginTarget> TargetAsync() => _target ??= findTarget();

    public override Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken) =>
        throw new NotSupportedException("writes to an origin route are forwarded by YARP");

    public override Task CheckReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task<CachedVersion?> LookupAsync(ObjectKey key)
    {
        var version = await FindVersionAsync(key);
        if (version is not null && !Cache.IsComplete(version))
        {
            // Now, before the response's status is set: YARP's transforms give no URL once a response is under way
            // (they take it for one a transform produced), and the slices still missing will need the origin.
            await TargetAsync();
        }

        return version;
    }

    private async Task<CachedVersion?> FindVersionAsync(ObjectKey key, bool lookedAgain = false)
    {
        var now = time.GetUtcNow();
        if (Cache.IsUncacheable(Binding.Namespace, key.Value, now))
        {
            Trace.Miss(null, now);
            throw new OriginNotCacheableException("not storable");
        }

        var cacheKey = KeyFor(key.Value, Cache.VaryOf(Binding.Namespace, key.Value));
        var stored = Cache.Find(cacheKey);
        if (stored is not null && Binding.Accepts(stored, now))
        {
            Trace.Hit(stored.Freshness, now);
            return stored;
        }

        // RFC 9111 section 4.2.4: stale only where the request does not refuse it (no-cache, max-age, min-fresh; a reload
        // sends max-age=0); RFC 5861 section 3 adds nothing that overrides the request.
        var directives = Binding.Directives;
        // Only a version wholly stored: its missing slices would be read upstream pinned to it, and cut off when it has
        // changed there (RFC 5861 serves a stale response, not a part of one). Never for only-if-cached: no origin.
        if (stored is not null && stored.Freshness.MayServeWhileRevalidating(now) && Cache.IsComplete(stored)
            && !directives.NoCache && directives.MaxAge is null && directives.MinFresh is null && !directives.OnlyIfCached)
        {
            Trace.ServedWhileRevalidating(stored.Freshness, now);
            await TargetAsync(); // While the request can still work out the URL (see LookupAsync).
            _ = RevalidateInBackgroundAsync(key, cacheKey, stored);
            return stored;
        }

        if (directives.OnlyIfCached)
        {
            // RFC 9111 section 5.2.1.7: a stored response or 504, never the origin.
            Trace.Miss(null, now);
            throw new StorageException(StorageErrorKind.NotCached, $"only-if-cached: no stored response of '{key}' satisfies the request");
        }

        // A fresh version the request refused (no-cache, max-age, min-fresh) is checked because the request asked.
        var requested = stored is not null && stored.Freshness.IsFresh(now);
        var probe = await Cache.CollapseAsync(cacheKey.Id, () => ProbeAsync(key, stored, forClient: true));
        if (probe.Version is { } looked && !lookedAgain && looked.Key != KeyFor(key.Value, Cache.VaryOf(Binding.Namespace, key.Value)))
        {
            // Another request's look, joined before anyone knew the answer varies (RFC 9111 section 4.1), on a field this
            // request sends otherwise: not its answer. It looks up its own variant.
            return await FindVersionAsync(key, lookedAgain: true);
        }

        Hold(probe.Held);
        now = time.GetUtcNow();
        switch (probe.Outcome)
        {
            case OriginProbeOutcome.Stored:
                Trace.Miss(probe.Version!.Freshness, now);
                return NotedIfNotStored(probe.Version);
            case OriginProbeOutcome.Replaced:
                Trace.Replaced(probe.Version!.Freshness, now, requested);
                return NotedIfNotStored(probe.Version);
            case OriginProbeOutcome.Revalidated:
                Trace.Revalidated(probe.Version!.Freshness, now, StatusCodes.Status304NotModified, requested);
                return probe.Version;
            case OriginProbeOutcome.Failed when stored is not null && stored.Freshness.MayServeOnError(now) && Cache.IsComplete(stored):
                CacheLog.ServedStale(logger, key.Value, probe.Reason ?? "unreachable");
                Trace.ServedStale(stored.Freshness, now, probe.UpstreamStatus);
                return stored;
            default:
                // The probe's status says why only when it failed; a response that could not be stored goes through YARP.
                Trace.Miss(null, now, stored is null ? "miss" : requested ? "request" : "stale",
                    probe.Outcome == OriginProbeOutcome.Failed ? probe.UpstreamStatus : null);
                if (probe.TimedOut)
                {
                    // Forwarded to YARP, the request waited a second activity timeout on the same silent origin (and
                    // sent it one more request): the answer is known already.
                    throw new StorageException(StorageErrorKind.Timeout, $"the origin did not answer a look at '{key.Value}' within the cluster's activity timeout",
                        retryAfter: TimeSpan.FromSeconds(1));
                }

                throw new OriginNotCacheableException(probe.Reason ?? "not storable") { Answer = Interlocked.Exchange(ref _answer, null) };
        }
    }

    /// <summary>The origin's Content-Type as it sent it: .NET's parsed value re-serialises it (<c>text/plain;charset=utf-8</c> gained a space).</summary>
    private static string? ContentTypeAsSent(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;

    private CachedVersion NotedIfNotStored(CachedVersion version)
    {
        if (!Cache.IsStoring)
        {
            Trace.NothingStored();
        }

        return version;
    }

    protected override UpstreamRead Upstream(ObjectKey key, CachedVersion version) => Reads.Of(key, version, () => _held);

    private OriginPinnedReads Reads => _reads ??= new OriginPinnedReads(Cache, Trace, TargetAsync);

    /// <summary>
    /// Keeps the look's stored answer this request saw, and drops one it saw before: a request may look more than once
    /// (a HEAD, then the body's read, when the stored version is refused each time), and an answer nobody takes holds an
    /// origin connection mid-body.
    /// </summary>
    private void Hold(HeldOriginResponse? held)
    {
        if (Interlocked.Exchange(ref _held, held) is { } previous && previous != held)
        {
            previous.Dispose();
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        Interlocked.Exchange(ref _answer, null)?.Dispose();
    }

    private CacheKey KeyFor(string key, IReadOnlyList<string> vary) =>
        new(Binding.Namespace, key, vary.Count == 0 ? string.Empty : OriginCacheRules.VariantKey(vary, requestHeader));

    private async Task RevalidateInBackgroundAsync(ObjectKey key, CacheKey cacheKey, CachedVersion stored)
    {
        try
        {
            await Task.Yield();
            await Cache.CollapseAsync(cacheKey.Id, () => ProbeAsync(key, stored));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            CacheLog.FillFailed(logger, key.Value, 0, ex.Message);
        }
    }

    /// <summary>
    /// One look at the origin: a ranged GET, conditional when a stored version is being revalidated. For a client
    /// (<paramref name="forClient"/>, not a background refresh) it asks for the slice the client reads first, when
    /// that is known, and carries the client's Cache-Control and Pragma: a proxy passes cache directives on (RFC 9111
    /// section 5.2), so that a cache behind it honours a reload too. A version without a validator is looked at whole
    /// (it is one slice at most): a look at one byte could never replace it. Otherwise it asks for one byte.
    /// </summary>
    private async Task<OriginProbe> ProbeAsync(ObjectKey key, CachedVersion? stored, bool forClient = false)
    {
        var slice = forClient && readsFrom is { } first ? Binding.SliceHolding(first)
            : stored is { Unpinnable: true } ? Binding.SliceHolding(0)
            : (ByteSpan?)null;
        var probe = await ProbeAsync(key, stored, forClient, slice);
        if (probe.UpstreamStatus == StatusCodes.Status416RangeNotSatisfiable && slice?.First > 0)
        {
            // A slice past the end (a seek beyond the object, a version that shrank): the length takes one byte more.
            probe = await ProbeAsync(key, stored, forClient, slice: null);
        }

        // An empty object has no byte a range could select (RFC 9110 section 14.1.1: 416 to any): looked at without one.
        return probe.UpstreamStatus == StatusCodes.Status416RangeNotSatisfiable
            ? await ProbeAsync(key, stored, forClient, Binding.SliceHolding(0), withoutRange: true)
            : probe;
    }

    /// <param name="withoutRange">A GET of the whole body, in place of <paramref name="slice"/>, which it holds when it answers at all.</param>
    private async Task<OriginProbe> ProbeAsync(ObjectKey key, CachedVersion? stored, bool forwardDirectives, ByteSpan? slice, bool withoutRange = false)
    {
        var target = await TargetAsync();
        using var request = target.NewRequest();
        request.Headers.Range = withoutRange ? null : slice is { } asked ? new RangeHeaderValue(asked.First, asked.Last) : new RangeHeaderValue(0, 0);
        if (forwardDirectives)
        {
            CopyFields(ForwardedDirectiveFields, request);
        }

        var validatorsSent = forwardDirectives && stored is null && CopyFields(ForwardedValidatorFields, request);
        if (stored is not null)
        {
            if (stored.ETag.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", stored.ETag);
            }
            else if (stored.LastModified is { } lastModified)
            {
                request.Headers.IfModifiedSince = lastModified;
            }
        }

        var requestTime = time.GetUtcNow();
        var removalMark = Cache.RemovalMark;
        HttpResponseMessage response;
        using var timeout = new CancellationTokenSource(target.Timeout);
        try
        {
            response = await target.Client.SendAsync(request, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return new OriginProbe(OriginProbeOutcome.Failed, null, null, ex.Message, TimedOut: timeout.IsCancellationRequested);
        }

        var held = false;
        try
        {
            var responseTime = time.GetUtcNow();
            var policy = Binding.Policy;
            if (response.StatusCode == HttpStatusCode.NotModified && stored?.Headers is { } headers)
            {
                var merged = headers.UpdatedBy(response);
                var refreshed = stored with { Headers = merged, Freshness = OriginCacheRules.Revalidated(merged, response, requestTime, responseTime, policy.Ttl, policy.StaleIfError) };
                Cache.Save(refreshed);
                return new OriginProbe(OriginProbeOutcome.Revalidated, refreshed, 304);
            }

            if (response.StatusCode == HttpStatusCode.NotModified && stored is null)
            {
                // The client's own validators matched: its answer, nothing to store, and nothing against storing later.
                held = KeepAsAnswer(response, forwardDirectives, validatorsSent);
                return new OriginProbe(OriginProbeOutcome.NotStorable, null, 304, "not modified for the client");
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && !withoutRange)
            {
                return new OriginProbe(OriginProbeOutcome.NotStorable, null, 416, "the range is past the end"); // Looked at again.
            }

            if ((int)response.StatusCode >= 500)
            {
                held = KeepAsAnswer(response, forwardDirectives, validatorsSent);
                return new OriginProbe(OriginProbeOutcome.Failed, null, (int)response.StatusCode, $"origin answered {(int)response.StatusCode}");
            }

            var version = StorableVersion(key, response, slice, requestTime, responseTime, out var reason);
            if (version is null)
            {
                // Remembered only when the response itself is not storable: a client's no-store or credentials
                // concern its own exchange (RFC 9111 sections 5.2.1.5 and 3.5) and must not keep the URL out of the
                // cache for everyone else, and a small object without a validator is stored by the next GET's look.
                if (!requestHasAuthorization && !Binding.Directives.NoStore && reason is not (NoValidatorInThisLook or LengthAtTheEnd))
                {
                    Cache.MarkUncacheable(Binding.Namespace, key.Value, responseTime + policy.Ttl);
                }

                held = KeepAsAnswer(response, forwardDirectives, validatorsSent);
                if (held && reason == LengthAtTheEnd && !requestIsHead)
                {
                    SpoolWhilePassingOn(key, response, requestTime, responseTime, removalMark);
                }
                return new OriginProbe(OriginProbeOutcome.NotStorable, null, (int)response.StatusCode, reason);
            }

            if (Cache.RemovedSince(version.Key, removalMark))
            {
                // A write through the route (RFC 9111 section 4.4) or a purge dropped the URL while this look was on its
                // way: its answer may predate the write. Passed on when it answers the client; not stored.
                held = KeepAsAnswer(response, forwardDirectives, validatorsSent);
                return new OriginProbe(OriginProbeOutcome.NotStorable, null, (int)response.StatusCode, "written_meanwhile");
            }

            var holding = slice is not null
                ? new HeldOriginResponse(version.Tag, response, version.WholeBodyOnly ? 0 : response.Content.Headers.ContentRange!.From ?? 0)
                : null;
            // The fill takes the answer from here, not from the request's field: a background revalidation's request
            // may end, and drop what it holds, before the fill starts.
            var startFill = slice is { } sliceRead ? ReserveFill(version, sliceRead.First, Reads.Of(key, version, () => holding)) : null;
            if (startFill is null && version.Unpinnable && version.Length > 0)
            {
                // Its only slice cannot be stored now (the cache is paused), and no later read of it could be pinned:
                // not stored, and its answer is passed on when it answers the client.
                held = KeepAsAnswer(response, forwardDirectives, validatorsSent);
                return new OriginProbe(OriginProbeOutcome.NotStorable, null, (int)response.StatusCode, "not_storing_now");
            }

            // Kept for the fill just registered, and for a client's own read while the cache is paused; not when another
            // request's fill or the disk has the slice: nobody would take it.
            holding = startFill is not null || !Cache.IsStoring ? holding : null;
            held = holding is not null;
            if (forwardDirectives)
            {
                Hold(holding);
            }

            try
            {
                Cache.Save(version);
            }
            finally
            {
                startFill?.Invoke();
            }

            return new OriginProbe(stored is null ? OriginProbeOutcome.Stored : OriginProbeOutcome.Replaced, version, (int)response.StatusCode, Held: holding);
        }
        finally
        {
            if (!held)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>
    /// Keeps an answer the cache will not store as this request's own, when it is what the origin would have answered
    /// the request forwarded as is (<see cref="OriginAnswer"/>), so that the forward does not ask the origin again.
    /// </summary>
    private bool KeepAsAnswer(HttpResponseMessage response, bool forClient, bool validatorsSent)
    {
        if (!forClient || OriginAnswer.ForRequest(response, requestHeader, requestIsHead, validatorsSent) is not { } answer)
        {
            return false;
        }

        Interlocked.Exchange(ref _answer, answer)?.Dispose();
        return true;
    }

    /// <summary>Copies the client's <paramref name="names"/> onto <paramref name="request"/>; true when it had any.</summary>
    private bool CopyFields(string[] names, HttpRequestMessage request)
    {
        var any = false;
        foreach (var name in names)
        {
            if (requestHeader(name) is { Length: > 0 } value)
            {
                any |= request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return any;
    }

    /// <summary>A one-slice object without a validator, seen by a look that did not read all of it (a HEAD's, a seek's).</summary>
    private const string NoValidatorInThisLook = "no_validator_in_this_look";

    /// <param name="slice">The slice the look asked for, or null for a look at one byte.</param>
    private CachedVersion? StorableVersion(ObjectKey key, HttpResponseMessage response, ByteSpan? slice, DateTimeOffset requestTime, DateTimeOffset responseTime, out string reason)
    {
        var wholeBody = response.StatusCode == HttpStatusCode.OK;
        var length = wholeBody ? response.Content.Headers.ContentLength : response.Content.Headers.ContentRange?.Length;
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PartialContent) || (length is null && !wholeBody))
        {
            reason = $"status {(int)response.StatusCode}" + (length is null ? " without a known length" : string.Empty);
            return null;
        }

        var decision = OriginCacheRules.Evaluate(response, requestHasAuthorization, Binding.Directives, requestTime, responseTime, Binding.Policy.Ttl, Binding.Policy.StaleIfError);
        if (!decision.Storable || length is null)
        {
            // A whole body without a length (chunked): storable once it has ended within a slice (SpoolingContent).
            reason = decision.Storable ? (slice?.First == 0 ? LengthAtTheEnd : "status 200 without a known length") : decision.Reason ?? "not storable";
            return null;
        }

        var etag = response.Headers.ETag;
        var lastModified = response.Content.Headers.LastModified;
        var unpinnable = (etag is null || etag.IsWeak) && lastModified is null;
        var allInThisAnswer = slice?.First == 0 && length <= Binding.SliceSize
            && (wholeBody || response.Content.Headers.ContentRange is { From: 0, To: { } last } && last == length - 1);
        if (unpinnable && !allInThisAnswer)
        {
            // Without a validator, slices fetched at different times could belong to different versions; one answer
            // that holds the whole object is one version, and its body fills the version's only slice.
            reason = length <= Binding.SliceSize ? NoValidatorInThisLook : "no_validator";
            return null;
        }

        reason = string.Empty;
        return NewVersion(key, response, decision, length.Value, wholeBody);
    }

    private CachedVersion NewVersion(ObjectKey key, HttpResponseMessage response, OriginCacheDecision decision, long length, bool wholeBody)
    {
        var etag = response.Headers.ETag;
        var lastModified = response.Content.Headers.LastModified;
        var unpinnable = (etag is null || etag.IsWeak) && lastModified is null;
        return new CachedVersion(
            KeyFor(key.Value, decision.Vary), etag?.ToString() ?? string.Empty, lastModified, length,
            ContentTypeAsSent(response), Binding.SliceSize, decision.Freshness, StoredHeaders.From(response), wholeBody,
            unpinnable ? Guid.NewGuid().ToString("N") : null);
    }

    /// <summary>A whole answer without a length, looked at from byte 0 and storable: its length is known when it ends.</summary>
    private const string LengthAtTheEnd = "length_at_the_end";

    /// <summary>
    /// Passes on a storable answer of unknown length (<see cref="LengthAtTheEnd"/>) as it comes, copying it aside; one
    /// that ends within a slice is stored then, as one look's whole answer is (without a validator too).
    /// </summary>
    private void SpoolWhilePassingOn(ObjectKey key, HttpResponseMessage response, DateTimeOffset requestTime, DateTimeOffset responseTime, long removalMark)
    {
        if (Cache.OpenSpool(KeyFor(key.Value, [])) is not { } spool)
        {
            return;
        }

        response.Content = new SpoolingContent(
            response.Content, spool, Binding.SliceSize,
            complete: (whole, length) => StoreSpooled(key, response, requestTime, responseTime, removalMark, whole, length),
            tooLong: () => Cache.MarkUncacheable(Binding.Namespace, key.Value, responseTime + Binding.Policy.Ttl));
    }

    private void StoreSpooled(ObjectKey key, HttpResponseMessage response, DateTimeOffset requestTime, DateTimeOffset responseTime, long removalMark, FileStream spool, long length)
    {
        var decision = OriginCacheRules.Evaluate(response, requestHasAuthorization, Binding.Directives, requestTime, responseTime, Binding.Policy.Ttl, Binding.Policy.StaleIfError);
        var version = NewVersion(key, response, decision, length, wholeBody: true);
        if (!decision.Storable || Cache.RemovedSince(version.Key, removalMark))
        {
            spool.Dispose();
            return;
        }

        spool.Position = 0;
        var startFill = length > 0 ? ReserveFill(version, 0, (span, _) => Task.FromResult(new ObjectContent(version.Info, spool, span))) : null;
        if (startFill is null)
        {
            spool.Dispose();
            if (length > 0)
            {
                return; // The cache stopped storing meanwhile.
            }
        }

        Cache.Save(version);
        startFill?.Invoke();
    }
}
