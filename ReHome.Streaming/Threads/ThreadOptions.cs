using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Threads;

/// <summary>Limits on threads (section <c>Threads</c>).</summary>
public sealed class ThreadOptions
{
    public const string SectionName = "Threads";

    /// <summary>Largest <c>runsLimit</c> a client may ask for on <c>GET /api/threads/{id}</c>.</summary>
    public const int MaxRunsPageSize = 500;

    /// <summary>Threads one user may create per <see cref="CreationWindow"/> (a sliding window shared by API replicas); then 429.</summary>
    [Range(1, 1_000_000)]
    public int MaxCreatedPerUser { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CreationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Runs <c>GET /api/threads/{id}</c> returns without <c>runsLimit</c>: the newest ones.</summary>
    [Range(1, MaxRunsPageSize)]
    public int RunsPageSize { get; set; } = 50;
}
