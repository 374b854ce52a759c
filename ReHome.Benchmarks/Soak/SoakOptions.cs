namespace ReHome.Benchmarks.Soak;

/// <summary>The soak's command-line options.</summary>
internal sealed record SoakOptions(
    int Connections,
    double Minutes,
    int ClientsPerThread,
    int RunsAtOnce,
    int ReplyTokens,
    double TokensPerSecond,
    int Apis,
    int Workers,
    TimeSpan Retention,
    bool SkipBuild);
