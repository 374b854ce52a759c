namespace ReHome.Streaming.Contracts;

/// <summary>The REST replay answer: tokens with <c>seq &gt; after</c>, in order.</summary>
public sealed record StreamTokensPage(string StreamId, string Status, long LastSeq, IReadOnlyList<TokenEvent> Tokens);
