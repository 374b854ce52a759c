using System.ComponentModel.DataAnnotations;

namespace ReHome.Worker.Heartbeat;

public sealed class HeartbeatOptions
{
    public const string SectionName = "Worker:Heartbeat";

    /// <summary>How often the worker marks itself alive in Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many missed beats make the worker's key expire (so a dead worker disappears).</summary>
    [Range(2, 100)]
    public int MissedBeatsBeforeExpiry { get; set; } = 3;
}
