using System.Globalization;
using System.Text;
using ReHome.Contracts;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// A stream's kept answer (<c>ai:answer:{stream}</c>, written by <see cref="StreamScripts.EndStream"/>): its
/// tokens from <see cref="FirstSeq"/> on, as texts with their boundaries, under the stream's epoch.
/// Each token read from it carries the stream's end time as its <c>emittedAt</c>: the answer keeps no
/// per-token times (they would take more room than the text).
/// </summary>
internal sealed record KeptAnswer(string RunId, string? Epoch, long FirstSeq, byte[] Text, int[] Sizes, double EndedAt)
{
    /// <summary>The fields <see cref="Read"/> takes, in its order.</summary>
    public static readonly RedisValue[] TokenFields =
        [AnswerFields.RunId, AnswerFields.Epoch, AnswerFields.FirstSeq, AnswerFields.Text, AnswerFields.Sizes, AnswerFields.EndedAt];

    /// <summary>The answer from its <see cref="TokenFields"/>; null when there is none.</summary>
    public static KeptAnswer? Read(RedisValue[] fields)
    {
        if (fields[0].IsNull)
        {
            return null;
        }

        var sizes = ((string?)fields[4] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(size => int.Parse(size, CultureInfo.InvariantCulture))
            .ToArray();
        return new KeptAnswer(
            (string)fields[0]!,
            fields[1].IsNullOrEmpty ? null : (string?)fields[1],
            (long)fields[2],
            (byte[]?)fields[3] ?? [],
            sizes,
            (double)fields[5]);
    }

    /// <summary>Up to <paramref name="limit"/> kept tokens with seq greater than <paramref name="afterSeq"/>, in order.</summary>
    public IReadOnlyList<TokenEvent> TokensAfter(StreamRef stream, string runId, long afterSeq, int limit)
    {
        var tokens = new List<TokenEvent>(Math.Min(limit, Sizes.Length));
        var offset = 0;
        for (var i = 0; i < Sizes.Length && tokens.Count < limit; i++)
        {
            var seq = FirstSeq + i;
            if (seq > afterSeq)
            {
                var text = Encoding.UTF8.GetString(Text, offset, Sizes[i]);
                tokens.Add(new TokenEvent(stream.ThreadId, runId, stream.StreamId, seq, text, EndedAt, Epoch));
            }

            offset += Sizes[i];
        }

        return tokens;
    }
}
