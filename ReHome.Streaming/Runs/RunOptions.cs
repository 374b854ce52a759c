using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Runs;

/// <summary>How long runs are kept (section <c>Runs</c>).</summary>
public sealed class RunOptions
{
    public const string SectionName = "Runs";

    /// <summary>
    /// A finished run's record (<c>ai:run:*</c>) expires this long after it finished; a run queued or
    /// running never expires. A thread whose last run finished expires, with its run and stream
    /// indexes, this long after that run — unless a new run is created in it first.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
