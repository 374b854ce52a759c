namespace ReHome.Benchmarks.Clients;

/// <summary>
/// What one client showed of one run's stream, judged against the stream's log (REST replay) and the
/// reply the offline provider writes (exactly <c>replyTokens</c> tokens, the same for the same input).
/// </summary>
internal sealed record StreamVerdict(int Lost, int Twice, bool WrongText, bool ToldOfReset)
{
    /// <param name="shown">What the client showed, or null when it saw nothing of the stream.</param>
    /// <param name="log">The stream's tokens by seq, as REST replays them at the end (empty when Redis lost them).</param>
    /// <param name="finalSeq">The stream's final seq: REST's last seq, or the end event's when REST lost it.</param>
    /// <param name="completed">The run completed: then the reply is whole, seq 1 to <paramref name="replyTokens"/>.</param>
    /// <param name="replyTokens">Tokens of the offline provider's reply (Agent:Offline:ReplyTokens).</param>
    public static StreamVerdict Judge(StreamSnapshot? shown, IReadOnlyDictionary<long, string> log, long finalSeq, bool completed, int replyTokens)
    {
        var seqs = shown?.Shown ?? new Dictionary<long, string>();
        // Lost: a seq the client should show and does not. A completed run should have written the whole reply.
        var shouldShow = completed ? Math.Max(finalSeq, replyTokens) : finalSeq;
        var lost = 0;
        for (var seq = 1L; seq <= shouldShow; seq++)
        {
            lost += seqs.ContainsKey(seq) ? 0 : 1;
        }

        // Twice: a seq the client handed on again in the same epoch, and a seq beyond the reply's
        // replyTokens tokens, which repeats text already shown (an attempt that did not resume where the last one stopped).
        var twice = (shown?.HandedOnTwice ?? 0) + seqs.Keys.Count(seq => seq > replyTokens);
        var wrong = seqs.Any(token => log.TryGetValue(token.Key, out var text) && !string.Equals(text, token.Value, StringComparison.Ordinal));
        return new StreamVerdict(lost, twice, wrong, shown?.Resets > 0);
    }
}
