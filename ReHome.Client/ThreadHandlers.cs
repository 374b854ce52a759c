using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// What a subscription tells its owner, one call at a time: each token once and in order, a stream
/// starting again (forget what was shown of it), a stream's end once its last token was handed on,
/// and each run state newer than the last.
/// </summary>
public sealed class ThreadHandlers
{
    public Action<ReceivedToken>? OnToken { get; init; }

    public Action<StreamResetEvent>? OnReset { get; init; }

    public Action<StreamEndedEvent>? OnEnded { get; init; }

    public Action<RunView>? OnRunUpdated { get; init; }

    /// <summary>
    /// A token dropped because it was already handed on (diagnostics). A replay overlapping live tokens
    /// makes a few, replayed or live (a live copy of a seq a replay handed on first); a live token
    /// (<see cref="ReceivedToken.Replayed"/> false) whose seq had also arrived live before was sent twice.
    /// </summary>
    public Action<ReceivedToken>? OnDuplicate { get; init; }
}
