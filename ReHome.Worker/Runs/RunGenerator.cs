using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Worker.Agents;
using ReHome.Worker.Outage;

namespace ReHome.Worker.Runs;

/// <summary>
/// One attempt at a run: asks the chat client for a reply and hands each piece of text to the
/// streaming service as the next token. An attempt after a failed or lost one resumes: the tokens
/// the stream already holds are not written again (exact for the offline provider, which always gives
/// the same reply; for a model that samples, the reply continues from the same token count).
/// </summary>
/// <remarks>
/// The provider is read on its own, into a queue, while tokens are written to Redis: a Redis outage
/// pauses the writing (<see cref="RedisPatience"/>) but not the reading, so what the provider said
/// meanwhile is kept, in order, and written when Redis is back — the provider's reply is never cut
/// short by the store, nor asked for twice.
/// </remarks>
internal sealed class RunGenerator(IChatClient chat, StreamingService streaming, StreamLog streams, RedisPatience patience, IOptions<AgentOptions> options)
{
    public async Task<long> GenerateAsync(AgentRun run, JobLease lease, CancellationToken cancellationToken)
    {
        var state = await patience.ExecuteAsync(_ => streams.GetStateAsync(run.Stream), cancellationToken);
        if (!state.IsLive && state.Status != StreamStatuses.Unknown)
        {
            // Ended by someone else (the reaper, a stop): this attempt has nothing to write to.
            throw new StreamEndedException(run.Stream);
        }

        var written = state.LastSeq;
        var reply = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadReplyAsync(run, reply.Writer, stopReading.Token);

        long seq = 0;
        try
        {
            await foreach (var text in reply.Reader.ReadAllAsync(cancellationToken))
            {
                if (++seq <= written)
                {
                    continue;
                }

                await lease.WaitUntilHeldAsync(cancellationToken);
                var expected = seq;
                await patience.ExecuteAsync(token => streaming.StreamTokenAsync(run.Stream, run.Id, text, expectedSeq: expected, token), cancellationToken);
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
        return Math.Max(seq, written);
    }

    /// <summary>Reads the provider's reply into <paramref name="reply"/>; its failure is this task's, not the queue's.</summary>
    private async Task ReadReplyAsync(AgentRun run, ChannelWriter<string> reply, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(Messages(run), cancellationToken: cancellationToken))
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
