using System.Globalization;

namespace ReHome.Streaming.Paging;

/// <summary>
/// Where a page of an index scored by creation time stopped (a thread's runs, a user's threads): the
/// oldest entry on it — its creation time, the index's score, and its id, which orders entries created
/// in the same millisecond. Clients pass it back opaque (<c>runsBefore</c>, <c>before</c>); it reads
/// <c>{createdAt ms}.{id}</c>.
/// </summary>
public readonly record struct CreationCursor(long CreatedAt, string Id)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CreatedAt}.{Id}");

    public static bool TryParse(string? text, out CreationCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt)
            || !Ids.IsValid(text![(dot + 1)..]))
        {
            return false;
        }

        cursor = new CreationCursor(createdAt, text[(dot + 1)..]);
        return true;
    }
}
