namespace ReHome.Benchmarks.Processes;

/// <summary>How many apis and workers to run, and the settings that shape their runs; <c>Environment</c> goes to every api and worker.</summary>
internal sealed record ClusterSettings(
    int Apis,
    int Workers,
    int ReplyTokens,
    double TokensPerSecond,
    TimeSpan VisibilityTimeout,
    int WorkerConcurrency = 8,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>How long one undisturbed run streams.</summary>
    public TimeSpan RunLength => TokensPerSecond > 0 ? TimeSpan.FromSeconds(ReplyTokens / TokensPerSecond) : TimeSpan.Zero;
}
