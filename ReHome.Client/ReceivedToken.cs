using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// A token as the client handed it on: the event, when it arrived, and its latency (receive time −
/// <c>emittedAt</c>). <see cref="Replayed"/> tokens came by <c>Replay</c>; their latency is their age.
/// </summary>
public sealed record ReceivedToken(TokenEvent Event, DateTimeOffset ReceivedAt, bool Replayed)
{
    public TimeSpan Latency => TimeSpan.FromMilliseconds((ReceivedAt - DateTimeOffset.UnixEpoch).TotalMilliseconds - Event.EmittedAt);
}
