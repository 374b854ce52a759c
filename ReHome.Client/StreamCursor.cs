using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// One stream's exactly-once state: its epoch, the last contiguous seq handed on, tokens that came
/// ahead of a gap, the epochs it has left, and its end once known.
/// </summary>
internal sealed class StreamCursor(string streamId, long seq, string? epoch)
{
    private readonly HashSet<string> _leftEpochs = [];
    private readonly SortedDictionary<long, ReceivedToken> _ahead = [];

    public string StreamId { get; } = streamId;

    public string? Epoch { get; private set; } = epoch;

    /// <summary>Every seq up to this one (of <see cref="Epoch"/>) was handed on.</summary>
    public long Seq { get; private set; } = seq;

    /// <summary>The end of the current epoch, when known; handed on once <see cref="Seq"/> reaches its lastSeq.</summary>
    public StreamEndedEvent? End { get; set; }

    public bool EndHandedOn { get; set; }

    /// <summary>The api reported the stream as streaming (a token, or Subscribe's summary) and no end is known.</summary>
    public bool IsLive => SeenStreaming && End is null;

    public bool SeenStreaming { get; set; }

    /// <summary>When the stream last showed a sign of life (a token, a reset, a subscribe); silence past a while means lost broadcasts.</summary>
    public DateTimeOffset LastActivity { get; set; }

    public bool HasGap => _ahead.Count > 0 || (End is not null && Seq < End.LastSeq);

    public StreamPosition Position => new(StreamId, Seq, Epoch);

    /// <summary>What an event of <paramref name="eventEpoch"/> means for this stream.</summary>
    public EpochMatch Match(string? eventEpoch)
    {
        if (eventEpoch is null || eventEpoch == Epoch)
        {
            return EpochMatch.Current;
        }

        if (Epoch is null)
        {
            // Nothing was known of the epoch yet (a fresh cursor or a position saved without one): adopt it.
            Epoch = eventEpoch;
            return EpochMatch.Current;
        }

        return _leftEpochs.Contains(eventEpoch) ? EpochMatch.Left : EpochMatch.New;
    }

    /// <summary>Starts the stream again under <paramref name="newEpoch"/>: nothing of it is shown any more.</summary>
    public void Reset(string newEpoch)
    {
        if (Epoch is not null)
        {
            _leftEpochs.Add(Epoch);
        }

        Epoch = newEpoch;
        Seq = 0;
        _ahead.Clear();
        End = null;
        EndHandedOn = false;
    }

    /// <summary>
    /// Takes a token of the current epoch and returns those now ready to hand on, in order (none when
    /// it was seen already — <paramref name="duplicate"/> — or came ahead of a gap).
    /// </summary>
    public IReadOnlyList<ReceivedToken> Accept(ReceivedToken token, out bool duplicate)
    {
        var seq = token.Event.Seq;
        if (seq <= Seq)
        {
            duplicate = true;
            return [];
        }

        if (seq > Seq + 1)
        {
            duplicate = !_ahead.TryAdd(seq, token);
            return [];
        }

        duplicate = false;

        var ready = new List<ReceivedToken> { token };
        Seq = seq;
        while (_ahead.Remove(Seq + 1, out var next))
        {
            ready.Add(next);
            Seq++;
        }

        foreach (var stale in _ahead.Keys.Where(key => key <= Seq).ToArray())
        {
            _ahead.Remove(stale);
        }

        return ready;
    }
}

internal enum EpochMatch
{
    Current,
    New,
    Left,
}
