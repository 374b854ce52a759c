using System.ComponentModel.DataAnnotations;

namespace ReHome.Worker.Reaper;

/// <summary>The stuck-stream reaper (section <c>Reaper</c>).</summary>
public sealed class ReaperOptions
{
    public const string SectionName = "Reaper";

    /// <summary>
    /// A live stream with no token for this long is aborted. Keep it above the queue's visibility
    /// timeout, so a run whose worker died is taken over (and resumes its stream) before it is reaped.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleThreshold { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each worker looks for stuck streams.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}
