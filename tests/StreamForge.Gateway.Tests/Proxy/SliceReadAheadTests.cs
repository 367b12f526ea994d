using StreamForge.Gateway.Proxy;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Proxy;

public sealed class SliceReadAheadTests
{
    private static readonly ByteSpan First = new(0, 999);
    private static readonly ByteSpan Second = new(1000, 1999);

    private readonly ManualClock _clock = new();
    private readonly List<ByteSpan> _opened = [];
    private readonly List<TrackedStream> _bodies = [];

    [Fact]
    public async Task The_next_slice_is_opened_once_half_of_the_current_one_has_gone_out()
    {
        await using var readAhead = Create();
        readAhead.Begin(First, Second);

        readAhead.OnCopied(499);
        Assert.Empty(_opened);
        readAhead.OnCopied(1);
        Assert.Equal([Second], _opened);

        readAhead.OnCopied(500);
        Assert.Single(_opened);
    }

    [Fact]
    public async Task The_slice_opened_ahead_is_handed_to_its_own_turn_only()
    {
        await using var readAhead = Create();
        readAhead.Begin(First, Second);
        readAhead.OnCopied(1000);

        Assert.Null(await readAhead.TakeAsync(First));
        var opening = await readAhead.TakeAsync(Second);

        Assert.NotNull(opening);
        Assert.Equal(Second, (await opening)?.Span);
        Assert.Null(await readAhead.TakeAsync(Second));
    }

    [Fact]
    public async Task A_client_slower_than_half_a_slice_a_second_gets_nothing_opened_ahead()
    {
        await using var readAhead = Create();
        readAhead.Begin(First, Second);
        _clock.Advance(TimeSpan.FromSeconds(2));
        readAhead.OnCopied(1000);

        Assert.Empty(_opened);
    }

    [Fact]
    public async Task A_slice_opened_too_long_before_its_turn_is_closed_and_opened_again_by_the_caller()
    {
        await using var readAhead = Create();
        readAhead.Begin(First, Second);
        readAhead.OnCopied(600);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await readAhead.TakeAsync(Second));
        Assert.True(Assert.Single(_bodies).Disposed);
    }

    [Fact]
    public async Task The_last_slice_opens_nothing_ahead()
    {
        await using var readAhead = Create();
        readAhead.Begin(Second, next: null);
        readAhead.OnCopied(1000);

        Assert.Empty(_opened);
    }

    [Fact]
    public async Task A_slice_opened_for_a_turn_that_never_comes_is_closed()
    {
        var readAhead = Create();
        readAhead.Begin(First, Second);
        readAhead.OnCopied(1000);

        await readAhead.DisposeAsync();

        Assert.True(Assert.Single(_bodies).Disposed);
    }

    [Fact]
    public async Task A_failed_opening_nobody_reads_does_not_fail_the_response()
    {
        var readAhead = new SliceReadAhead(
            inner: null, (_, _) => Task.FromException<ObjectContent?>(new StorageException(StorageErrorKind.Failed, "gone")), CancellationToken.None, _clock);
        readAhead.Begin(First, Second);
        readAhead.OnCopied(1000);

        await readAhead.DisposeAsync();
    }

    private SliceReadAhead Create() => new(inner: null, OpenAsync, CancellationToken.None, _clock);

    private Task<ObjectContent?> OpenAsync(ByteSpan span, CancellationToken cancellationToken)
    {
        _opened.Add(span);
        var body = new TrackedStream();
        _bodies.Add(body);
        var info = new ObjectInfo(2000, "\"e\"", DateTimeOffset.UnixEpoch, ContentType: null);
        return Task.FromResult<ObjectContent?>(new ObjectContent(info, body, span));
    }

    /// <summary>Time that moves only when the test says so.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }

    private sealed class TrackedStream : MemoryStream
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
