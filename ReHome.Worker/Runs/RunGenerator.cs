using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Worker.Agents;
using ReHome.Worker.Outage;
using ReHome.Worker.Telemetry;

namespace ReHome.Worker.Runs;

/// <summary>
/// One attempt at a run: asks the chat client for a reply and hands each piece of text to the
/// streaming service as the next token. An attempt after a failed or lost one resumes where the
/// stream stopped when the provider gives the same reply every time (the offline one); a model that
/// samples would continue with another text, so for it the stream starts again under a new epoch and
/// clients replace what they showed (<see cref="StreamingService.RestartAsync"/>).
/// </summary>
/// <remarks>
/// The provider is read on its own, into a queue, while tokens are written to Redis: a Redis outage
/// pauses the writing (<see cref="RedisPatience"/>) but not the reading, so what the provider said
/// meanwhile is kept, in order, and written when Redis is back — the provider's reply is never cut
/// short by the store, nor asked for twice. When Redis comes back with less than was written (a
/// failover to a lagging replica, a restore, lost data), the stream starts again under a new epoch
/// and the reply so far is written again from seq 1.
/// </remarks>
internal sealed class RunGenerator(
    IChatClient chat, StreamingService streaming, StreamLog streams, RunStore runs, RedisPatience patience, IOptions<AgentOptions> options)
{
    public async Task<long> GenerateAsync(AgentRun run, JobLease lease, RunTrace trace, CancellationToken cancellationToken)
    {
        // Tokens are written outside the run's span, and the provider is read under it (see RunTrace).
        trace.LeaveForTokenWriting();
        var state = await patience.ExecuteAsync(_ => streams.GetStateAsync(run.Stream), cancellationToken);
        if (!state.IsLive && state.Status != StreamStatuses.Unknown)
        {
            // Ended by someone else (the reaper, a stop): this attempt has nothing to write to.
            throw new StreamEndedException(run.Stream);
        }

        var written = state.LastSeq;
        if (written > 0 && !RepeatsItsReply)
        {
            await RestartAsync(run, cancellationToken);
            written = 0;
        }

        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadReplyAsync(run, written, trace, channel.Writer, stopReading.Token);

        // Every piece of this attempt's reply, for writing it again after Redis lost some of it.
        var reply = new List<string>();
        var group = new List<string>(MaxTokensPerWrite);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                // What queued while the previous write was in flight goes in one write (group commit):
                // a slow Redis call makes the next one carry more, not wait longer.
                group.Clear();
                while (group.Count < MaxTokensPerWrite && channel.Reader.TryRead(out var text))
                {
                    reply.Add(text);
                    if (reply.Count > written)
                    {
                        group.Add(text);
                    }
                }

                if (group.Count == 0)
                {
                    continue;
                }

                try
                {
                    var firstSeq = reply.Count - group.Count + 1;
                    await WriteAsync(run, lease, firstSeq, group, cancellationToken);
                    if (firstSeq == written + 1)
                    {
                        // Once per attempt: nothing of the trace happens per token.
                        trace.FirstTokenWritten(firstSeq);
                    }
                }
                catch (StreamRewoundException)
                {
                    if (await patience.ExecuteAsync(_ => runs.GetAsync(run.Id), cancellationToken) is null)
                    {
                        throw new RunDataLostException(run.Id);
                    }

                    await RestartAsync(run, cancellationToken);
                    for (var offset = 0; offset < reply.Count; offset += MaxTokensPerWrite)
                    {
                        await WriteAsync(run, lease, offset + 1, reply.GetRange(offset, Math.Min(MaxTokensPerWrite, reply.Count - offset)), cancellationToken);
                    }
                }
            }
        }
        finally
        {
            // Writing failed or was cancelled: stop the provider too, and let its task end.
            await stopReading.CancelAsync();
            await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // The reply has been written; a provider failure after its last piece still fails the attempt.
        await reading;
        return Math.Max(reply.Count, written);
    }

    /// <summary>
    /// The most tokens one write carries: a backlog (after an outage, or a provider faster than Redis)
    /// goes in several calls, so none holds Redis long.
    /// </summary>
    private const int MaxTokensPerWrite = 64;

    /// <summary>The offline provider gives the same reply to the same input every time; a model samples.</summary>
    private bool RepeatsItsReply => options.Value.Provider == AgentProvider.Offline;

    /// <summary>Writes <paramref name="tokens"/> as seqs <paramref name="firstSeq"/>, … — again and again while Redis is away.</summary>
    private async Task WriteAsync(AgentRun run, JobLease lease, long firstSeq, List<string> tokens, CancellationToken cancellationToken)
    {
        await lease.WaitUntilHeldAsync(cancellationToken);
        await patience.ExecuteAsync(token => streaming.StreamTokensAsync(run.Stream, run.Id, tokens, firstSeq, token), cancellationToken);
    }

    private ValueTask<string> RestartAsync(AgentRun run, CancellationToken cancellationToken) =>
        patience.ExecuteAsync(token => streaming.RestartAsync(run.Stream, run.Id, token), cancellationToken);

    /// <summary>Reads the provider's reply into <paramref name="reply"/>; its failure is this task's, not the queue's.</summary>
    private async Task ReadReplyAsync(AgentRun run, long written, RunTrace trace, ChannelWriter<string> reply, CancellationToken cancellationToken)
    {
        // The chat client's gen_ai span is a child of the run's span.
        trace.EnterProviderCall();
        // Only the offline provider knows the hint; nothing unknown goes to a real provider's API.
        var chatOptions = RepeatsItsReply && written > 0
            ? new ChatOptions { AdditionalProperties = new() { [OfflineChatClient.AlreadyWrittenProperty] = written } }
            : null;
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(Messages(run), chatOptions, cancellationToken))
            {
                if (!string.IsNullOrEmpty(update.Text))
                {
                    reply.TryWrite(update.Text);
                }
            }
        }
        finally
        {
            // Completed without the exception, so the writer drains what came before a failure and
            // the failure reaches the attempt with its own type (a timeout stays a timeout).
            reply.TryComplete();
        }
    }

    private List<ChatMessage> Messages(AgentRun run)
    {
        var messages = new List<ChatMessage>();
        if (options.Value.SystemPrompt is { Length: > 0 } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        messages.Add(new ChatMessage(ChatRole.User, run.Input));
        return messages;
    }
}
