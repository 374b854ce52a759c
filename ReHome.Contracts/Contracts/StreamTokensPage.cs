namespace ReHome.Contracts;

/// <summary>The REST replay answer: tokens whose seq is greater than <c>after</c>, in order; <c>epoch</c> (an addition) is the stream's current epoch.</summary>
public sealed record StreamTokensPage(string StreamId, string Status, long LastSeq, IReadOnlyList<TokenEvent> Tokens, string? Epoch = null);
