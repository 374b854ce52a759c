using System.Text.Json;

namespace ReHome.Benchmarks.Clients;

/// <summary>
/// <c>agent.thread.token</c> as this client reads it: the contract's TokenEvent plus an optional
/// <c>epoch</c> (a newer server numbers a stream's life after Redis lost it). The epoch is kept as raw
/// JSON, so a server without it, or with it as a number or a string, reads alike.
/// </summary>
internal sealed record ShownToken(string ThreadId, string RunId, string StreamId, long Seq, string Token, double EmittedAt, JsonElement? Epoch)
{
    public string? EpochText => Epoch is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } epoch ? epoch.GetRawText() : null;
}
