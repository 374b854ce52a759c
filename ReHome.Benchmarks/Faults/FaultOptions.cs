namespace ReHome.Benchmarks.Faults;

/// <summary>The fault benchmark's command-line options.</summary>
internal sealed record FaultOptions(
    int Streams,
    int ClientsPerStream,
    IReadOnlyCollection<string> Scenarios,
    int ReplyTokens,
    double TokensPerSecond,
    TimeSpan VisibilityTimeout,
    bool SkipBuild);
