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
