using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Client;

namespace ReHome.Worker.Ops.Smoke;

/// <summary>
/// What the smoke test's client receives of its stream, live: each seq once (duplicates counted, not
/// shown twice), emit-to-receive latency per token (receive time minus <c>emittedAt</c>), and the end event.
/// </summary>
internal sealed class SmokeReceiver(string streamId, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _seen = [];
    private readonly List<double> _latencies = [];
    private readonly TaskCompletionSource<StreamEndedEvent> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _duplicates;

    public Task<StreamEndedEvent> Ended => _ended.Task;

    public int Received
    {
        get { lock (_gate) { return _seen.Count; } }
    }

    public void Listen(HubConnection connection)
    {
        connection.On<TokenEvent>(StreamNames.Events.Token, Accept);
        connection.On<StreamEndedEvent>(StreamNames.Events.StreamEnded, ended =>
        {
            if (ended.StreamId == streamId)
            {
                _ended.TrySetResult(ended);
            }
        });
    }

    public SmokeResult Result(int sent)
    {
        lock (_gate)
        {
            var lost = Enumerable.Range(1, sent).Count(seq => !_seen.Contains(seq));
            return new SmokeResult(sent, _seen.Count, lost, _duplicates, LatencySummary.Of(_latencies));
        }
    }

    private void Accept(TokenEvent token)
    {
        var receivedAt = UnixTime.Milliseconds(time.GetUtcNow());
        if (token.StreamId != streamId)
        {
            return;
        }

        lock (_gate)
        {
            if (!_seen.Add(token.Seq))
            {
                _duplicates++;
                return;
            }

            _latencies.Add(receivedAt - token.EmittedAt);
        }
    }
}

internal sealed record SmokeResult(int Sent, int Received, int Lost, int Duplicated, LatencySummary Latency);
