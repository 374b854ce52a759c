namespace ReHome.Client;

/// <summary>Where a client stands in a stream: every seq up to <see cref="Seq"/> of <see cref="Epoch"/> was shown.</summary>
public sealed record StreamPosition(string StreamId, long Seq, string? Epoch = null);
