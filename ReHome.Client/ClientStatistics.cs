namespace ReHome.Client;

/// <summary>
/// What a <see cref="ReHomeClient"/> has had to do to keep its streams exactly once — for dashboards and
/// tests. A replay overlapping live tokens drops a few duplicates as a matter of course.
/// </summary>
/// <param name="Reconnects">Connections made after the first (to the same api or the next one).</param>
/// <param name="Resyncs"><c>agent.resync</c> events (an api's backplane came back after a loss).</param>
/// <param name="Replays"><c>Replay</c> calls made (after a gap, a subscribe, a reset or a silent stream).</param>
/// <param name="DuplicatesDropped">Tokens dropped because they were already handed on.</param>
public sealed record ClientStatistics(long Reconnects, long Resyncs, long Replays, long DuplicatesDropped);

/// <summary>The counters behind <see cref="ClientStatistics"/>, shared by a client and its subscriptions.</summary>
internal sealed class ClientCounters
{
    private long _connects;
    private long _resyncs;
    private long _replays;
    private long _duplicatesDropped;

    public void Connected() => Interlocked.Increment(ref _connects);

    public void Resynced() => Interlocked.Increment(ref _resyncs);

    public void Replayed() => Interlocked.Increment(ref _replays);

    public void DuplicateDropped() => Interlocked.Increment(ref _duplicatesDropped);

    public ClientStatistics Snapshot() => new(
        Math.Max(0, Interlocked.Read(ref _connects) - 1),
        Interlocked.Read(ref _resyncs),
        Interlocked.Read(ref _replays),
        Interlocked.Read(ref _duplicatesDropped));
}
