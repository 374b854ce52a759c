using System.Globalization;
using ReHome.Contracts;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// A thread's stream events (tokens, ends, resets) as the stream scripts publish them on the thread's
/// feed channel (<see cref="Channels.ThreadFeed"/>), in the same atomic step that writes them to the
/// log — so the order on the feed is the log's order, and a producer makes one Redis call per token,
/// not a write and a broadcast. API replicas read the feed and send each event to their own
/// subscribers of the thread (<see cref="Hubs.ThreadFeed"/>).
/// </summary>
/// <remarks>
/// The format is the scripts' (<see cref="StreamScripts"/>), written by Lua and read only here: seven
/// fields separated by <c>\n</c>, the last one free text (it may hold newlines):
/// <c>kind \n seq \n epoch \n extra \n runId \n streamId \n body</c>, where kind is
/// <see cref="TokenKind"/> (extra: emittedAt in Unix ms, body: the token's text),
/// <see cref="EndedKind"/> (seq: the last seq, extra: the status, body: the reason, empty for none) or
/// <see cref="ResetKind"/> (seq 0, extra and body empty). Ids and epochs never hold <c>\n</c>
/// (<see cref="Ids.IsValid"/>), so the split is exact.
/// </remarks>
public static class StreamFeed
{
    public const string TokenKind = "t", EndedKind = "e", ResetKind = "r";

    /// <summary>The event name and payload a feed message stands for, as clients receive it.</summary>
    /// <exception cref="FormatException">Not a feed message (a bug or a foreign publisher: nothing is sent).</exception>
    public static (string EventName, object Payload) Read(string threadId, string message)
    {
        var fields = new string[7];
        var rest = message.AsSpan();
        for (var i = 0; i < 6; i++)
        {
            var end = rest.IndexOf('\n');
            if (end < 0)
            {
                throw new FormatException($"A feed message has {i + 1} fields; expected 7.");
            }

            fields[i] = rest[..end].ToString();
            rest = rest[(end + 1)..];
        }

        var (kind, seq, epoch, extra, runId, streamId, body) = (fields[0], Number(fields[1]), fields[2], fields[3], fields[4], fields[5], rest.ToString());
        var knownEpoch = epoch.Length > 0 ? epoch : null;
        return kind switch
        {
            TokenKind => (Events.Token, new TokenEvent(
                threadId, runId, streamId, seq, body, double.Parse(extra, NumberStyles.Float, CultureInfo.InvariantCulture), knownEpoch)),
            EndedKind => (Events.StreamEnded, new StreamEndedEvent(threadId, runId, streamId, seq, extra, body.Length > 0 ? body : null, knownEpoch)),
            ResetKind => (Events.StreamReset, new StreamResetEvent(threadId, runId, streamId, epoch)),
            _ => throw new FormatException($"A feed message of unknown kind '{kind}'."),
        };
    }

    private static long Number(string field) => long.Parse(field, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
