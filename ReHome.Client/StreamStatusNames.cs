namespace ReHome.Client;

/// <summary>The stream statuses of the contract that mean a stream has ended.</summary>
internal static class StreamStatusNames
{
    private static readonly HashSet<string> Ended = ["completed", "failed", "cancelled", "aborted"];

    public static bool HasEnded(string status) => Ended.Contains(status);
}
