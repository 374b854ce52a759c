using System.Text.RegularExpressions;

namespace ReHome.Streaming;

/// <summary>Ids of threads, runs, streams and users: <c>^[A-Za-z0-9_-]{1,64}$</c> (CONTRACT.md).</summary>
public static partial class Ids
{
    public const string Pattern = "^[A-Za-z0-9_-]{1,64}$";

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    /// <summary>A new id, time-ordered so Redis listings sort by creation.</summary>
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();
}
