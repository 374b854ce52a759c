namespace ReHome.Benchmarks.Clients;

/// <summary>
/// What one client showed of one stream, exactly as its <c>ReHomeClient</c> subscription handed it on:
/// nothing is deduplicated here, so a seq handed on twice is counted, not hidden.
/// </summary>
internal sealed class StreamView(string streamId)
{
    public string StreamId { get; } = streamId;

    /// <summary>seq → token text, as shown (the first time).</summary>
    public SortedDictionary<long, string> Shown { get; } = [];

    /// <summary>The last seq up to which every token is shown (1..n, no gap).</summary>
    public long Contiguous { get; private set; }

    /// <summary>Tokens handed on for a seq already shown in the same epoch: the client broke its promise.</summary>
    public int HandedOnTwice { get; private set; }

    /// <summary>Resets the client told of (<c>OnReset</c>: the stream starts again under a new epoch).</summary>
    public int Resets { get; private set; }

    /// <summary>The final seq, from the end the client handed on (<c>OnEnded</c>).</summary>
    public long? Final { get; private set; }

    public string? EndStatus { get; private set; }

    /// <summary>When the client handed the end on (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>): after the stream's last token.</summary>
    public long? EndedAt { get; private set; }

    /// <summary>The newest run state the client handed on (<c>OnRunUpdated</c>).</summary>
    public string? RunStatus { get; set; }

    public void Show(long seq, string token)
    {
        if (!Shown.TryAdd(seq, token))
        {
            HandedOnTwice++;
            return;
        }

        while (Shown.ContainsKey(Contiguous + 1))
        {
            Contiguous++;
        }
    }

    public void End(long lastSeq, string status, long at)
    {
        Final = lastSeq;
        EndStatus = status;
        EndedAt ??= at;
    }

    /// <summary>The stream starts again (the server lost it): forget what was shown; it is shown again from seq 1.</summary>
    public void Reset()
    {
        Resets++;
        Shown.Clear();
        Contiguous = 0;
        Final = null;
        EndStatus = null;
        EndedAt = null;
    }

    public StreamSnapshot Snapshot() =>
        new(new SortedDictionary<long, string>(Shown), Contiguous, Final, EndStatus, EndedAt, RunStatus, Resets, HandedOnTwice);
}
