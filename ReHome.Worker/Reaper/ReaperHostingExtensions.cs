namespace ReHome.Worker.Reaper;

public static class ReaperHostingExtensions
{
    /// <summary>
    /// The stuck-stream reaper and its options (<c>Reaper</c>, validated on start), without its loop
    /// (<see cref="ReaperService"/>): the worker adds the loop, the operator commands use the reaper directly.
    /// </summary>
    public static IHostApplicationBuilder AddStuckStreamReaper(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReaperOptions>().BindConfiguration(ReaperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StuckStreamReaper>();
        return builder;
    }
}
