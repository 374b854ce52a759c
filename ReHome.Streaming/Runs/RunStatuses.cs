namespace ReHome.Streaming.Runs;

/// <summary>A run's status: queued → running → completed | failed | cancelled.</summary>
public static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string status) => status is Completed or Failed or Cancelled;
}
