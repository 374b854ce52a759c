namespace ReHome.Benchmarks.Clients;

/// <summary>What one client shows of one stream: each seq once, the epoch it belongs to, and what it was told.</summary>
internal sealed class StreamView(string streamId)
{
    public string StreamId { get; } = streamId;

    /// <summary>seq → token text, as shown.</summary>
    public SortedDictionary<long, string> Shown { get; } = [];

    /// <summary>The last seq up to which every token is shown (1..n, no gap): where a replay starts.</summary>
    public long Contiguous { get; private set; }

    public string? Epoch { get; set; }

    /// <summary>Epochs this stream has left: epochs are random ids, not ordered, so a late event is known by these.</summary>
    private readonly HashSet<string> _leftEpochs = new(StringComparer.Ordinal);

    public bool HasLeft(string epoch) => _leftEpochs.Contains(epoch);

    /// <summary>Resets the server told of: an <c>agent.thread.stream.reset</c> event or a token with a newer epoch.</summary>
    public int Resets { get; private set; }

    /// <summary>Deliveries of a seq already shown, which the client dropped (the contract's rule).</summary>
    public int DroppedDuplicates { get; set; }

    /// <summary>The final seq, from <c>agent.thread.stream.ended</c> or a final run update.</summary>
    public long? Final { get; set; }

    public string? EndStatus { get; set; }

    /// <summary>When the end event first arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public long? EndedAt { get; set; }

    public bool Replaying { get; set; }

    public bool ReplayAgain { get; set; }

    public bool Show(long seq, string token)
    {
        if (!Shown.TryAdd(seq, token))
        {
            DroppedDuplicates++;
            return false;
        }

        while (Shown.ContainsKey(Contiguous + 1))
        {
            Contiguous++;
        }

        return true;
    }

    /// <summary>The stream starts again (the server lost it): forget what was shown, and show it again from seq 1.</summary>
    public void Reset(string? epoch)
    {
        Resets++;
        if (Epoch is { } left)
        {
            _leftEpochs.Add(left);
        }

        Epoch = epoch;
        Shown.Clear();
        Contiguous = 0;
        Final = null;
        EndStatus = null;
        EndedAt = null;
    }

    public bool HasGap => Shown.Count > 0 && Shown.Keys.Last() > Contiguous;

    public bool IsBehind => HasGap || (Final is { } final && Contiguous < final);

    public string Text => string.Concat(Shown.Values);
}
