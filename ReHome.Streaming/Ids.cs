using System.Text.RegularExpressions;

namespace ReHome.Streaming;

/// <summary>Ids of threads, runs, streams and users: <c>^[A-Za-z0-9_-]{1,64}$</c> (CONTRACT.md).</summary>
public static partial class Ids
{
    private const string Body = "[A-Za-z0-9_-]{1,64}";

    /// <summary>The pattern as the contract writes it, for error messages.</summary>
    public const string Pattern = "^" + Body + "$";

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    private static readonly object Gate = new();
    private static long _lastMilliseconds;
    private static int _sequence;

    /// <summary>
    /// A new id that sorts by creation: 12 hex digits of Unix milliseconds, 4 of a sequence within the
    /// millisecond, 16 random. Redis breaks ties in a listing's score (the creation time) by comparing
    /// ids, so ids made in the same millisecond must still compare in the order they were made — a
    /// version-7 GUID's bits after the time are random.
    /// </summary>
    public static string New(string prefix)
    {
        long milliseconds;
        int sequence;
        lock (Gate)
        {
            milliseconds = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _lastMilliseconds);
            if (milliseconds == _lastMilliseconds && ++_sequence > 0xFFFF)
            {
                // 65,536 ids in one millisecond: borrow the next one.
                milliseconds++;
                _sequence = 0;
            }
            else if (milliseconds != _lastMilliseconds)
            {
                _sequence = 0;
            }

            (_lastMilliseconds, sequence) = (milliseconds, _sequence);
        }

        return $"{prefix}_{milliseconds:x12}{sequence:x4}{System.Security.Cryptography.RandomNumberGenerator.GetHexString(16, lowercase: true)}";
    }

    // \z, not $: in .NET, $ also matches before a final "\n", so "abc\n" would pass.
    [GeneratedRegex("^" + Body + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();
}
