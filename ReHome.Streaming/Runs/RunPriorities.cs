namespace ReHome.Streaming.Runs;

/// <summary>Queue priorities; workers always drain <see cref="High"/> before <see cref="Default"/>.</summary>
public static class RunPriorities
{
    public const string High = "high";
    public const string Default = "default";

    /// <summary>In the order workers take them.</summary>
    public static readonly string[] InOrder = [High, Default];

    public static bool IsValid(string? priority) => priority is High or Default;
}
