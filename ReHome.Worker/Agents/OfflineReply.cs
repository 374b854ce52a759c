namespace ReHome.Worker.Agents;

/// <summary>
/// The offline provider's reply: the same input always gives the same tokens, in every process, so
/// a run taken over by another worker resumes exactly where the first one stopped.
/// </summary>
internal static class OfflineReply
{
    private static readonly string[] Words =
    [
        "streaming", "tokens", "arrive", "in", "order", "exactly", "once", "across", "reconnects", "and",
        "restarts", "the", "worker", "writes", "each", "one", "to", "Redis", "before", "every", "browser",
        "sees", "it", "so", "nothing", "is", "lost", "or", "shown", "twice", "while", "operators", "watch",
    ];

    public static IEnumerable<string> Tokens(string input, int count)
    {
        var echo = input.Length <= 60 ? input : string.Concat(input.AsSpan(0, 57), "...");
        var opening = $"You asked: \"{echo}\". ".Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var random = new Random(StableHash(input));
        for (var index = 0; index < count; index++)
        {
            yield return index < opening.Length
                ? opening[index] + " "
                : Words[random.Next(Words.Length)] + (index == count - 1 ? "." : " ");
        }
    }

    // string.GetHashCode differs per process; FNV-1a does not.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var character in text)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return (int)hash;
    }
}
