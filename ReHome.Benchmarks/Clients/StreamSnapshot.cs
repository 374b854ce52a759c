namespace ReHome.Benchmarks.Clients;

/// <summary>A copy of a <see cref="StreamView"/> at one moment.</summary>
internal sealed record StreamSnapshot(
    IReadOnlyDictionary<long, string> Shown,
    long Contiguous,
    long? Final,
    string? EndStatus,
    long? EndedAt,
    string? RunStatus,
    int Resets,
    int HandedOnTwice);
