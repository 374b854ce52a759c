using System.Text.RegularExpressions;

namespace ReHome.Streaming;

/// <summary>Ids of threads, runs, streams and users: <c>^[A-Za-z0-9_-]{1,64}$</c> (CONTRACT.md).</summary>
public static partial class Ids
{
    private const string Body = "[A-Za-z0-9_-]{1,64}";

    /// <summary>The pattern as the contract writes it, for error messages.</summary>
    public const string Pattern = "^" + Body + "$";

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    /// <summary>A new id, time-ordered so Redis listings sort by creation.</summary>
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    // \z, not $: in .NET, $ also matches before a final "\n", so "abc\n" would pass.
    [GeneratedRegex("^" + Body + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();
}
