using System.Globalization;

namespace ReHome.Streaming.Runs;

/// <summary>
/// Where a page of a thread's runs stopped: the oldest run on it (its creation time, the index's
/// score, and its id, which orders runs created in the same millisecond). Clients pass it back
/// opaque (<c>runsBefore</c>); it reads <c>{createdAt ms}.{runId}</c>.
/// </summary>
public readonly record struct RunsCursor(long CreatedAt, string RunId)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CreatedAt}.{RunId}");

    public static bool TryParse(string? text, out RunsCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt)
            || !Ids.IsValid(text![(dot + 1)..]))
        {
            return false;
        }

        cursor = new RunsCursor(createdAt, text[(dot + 1)..]);
        return true;
    }
}
