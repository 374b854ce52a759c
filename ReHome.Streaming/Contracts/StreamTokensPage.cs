namespace ReHome.Streaming.Contracts;

/// <summary>The REST replay answer: tokens with <c>seq &gt; after</c>, in order; <see cref="Epoch"/> (an addition) is the stream's current epoch.</summary>
public sealed record StreamTokensPage(string StreamId, string Status, long LastSeq, IReadOnlyList<TokenEvent> Tokens, string? Epoch = null);
