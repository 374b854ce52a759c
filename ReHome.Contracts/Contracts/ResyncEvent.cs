using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// Sent as <c>agent.resync</c> by an API replica to its own connections when its Redis backplane
/// connection came back: broadcasts may have been lost meanwhile, so a client subscribes to each of
/// its threads again, replays each stream from its last seq and takes run states from the answer.
/// </summary>
[MessagePackObject]
public sealed record ResyncEvent([property: Key("reason")] string Reason)
{
    public const string BackplaneRestored = "backplane_restored";
}
