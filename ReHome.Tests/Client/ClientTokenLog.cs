using ReHome.Client;
using ReHome.Streaming.Contracts;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>Every call a <see cref="ReHomeClient"/> subscription makes to its handlers, in order, for tests to compare.</summary>
public sealed class ClientTokenLog
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedToken> _tokens = [];
    private readonly List<StreamResetEvent> _resets = [];
    private readonly List<StreamEndedEvent> _ends = [];
    private readonly List<RunView> _runs = [];
    private readonly List<ReceivedToken> _duplicates = [];

    public ThreadHandlers Handlers => new()
    {
        OnToken = token => { lock (_gate) { _tokens.Add(token); } },
        OnReset = reset => { lock (_gate) { _resets.Add(reset); } },
        OnEnded = ended => { lock (_gate) { _ends.Add(ended); } },
        OnRunUpdated = run => { lock (_gate) { _runs.Add(run); } },
        OnDuplicate = token => { lock (_gate) { _duplicates.Add(token); } },
    };

    /// <summary>Every token handed on, duplicates included (there must be none).</summary>
    public IReadOnlyList<ReceivedToken> Tokens
    {
        get { lock (_gate) { return [.. _tokens]; } }
    }

    public IReadOnlyList<StreamResetEvent> Resets
    {
        get { lock (_gate) { return [.. _resets]; } }
    }

    public IReadOnlyList<StreamEndedEvent> Ends
    {
        get { lock (_gate) { return [.. _ends]; } }
    }

    /// <summary>Tokens the client dropped because it had handed them on already.</summary>
    public IReadOnlyList<ReceivedToken> Duplicates
    {
        get { lock (_gate) { return [.. _duplicates]; } }
    }

    public IReadOnlyList<RunView> Runs
    {
        get { lock (_gate) { return [.. _runs]; } }
    }

    public async Task WaitForTokensAsync(int count, TimeSpan timeout) =>
        await Eventually.MatchesAsync(() => Task.FromResult(Tokens.Count), seen => seen >= count, timeout, $"{count} tokens");

    public async Task WaitForEndAsync(string streamId, TimeSpan timeout) =>
        await Eventually.MatchesAsync(() => Task.FromResult(Ends.Any(end => end.StreamId == streamId)), ended => ended, timeout, $"the end of {streamId}");
}
