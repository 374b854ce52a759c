using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Worker.Agents;

namespace ReHome.Worker.Runs;

/// <summary>
/// One attempt at a run: asks the chat client for a reply and hands each piece of text to the
/// streaming service as the next token. An attempt after a failed or lost one resumes: the tokens
/// the stream already holds are not written again (exact for the offline provider, which always gives
/// the same reply; for a model that samples, the reply continues from the same token count).
/// </summary>
internal sealed class RunGenerator(IChatClient chat, StreamingService streaming, StreamLog streams, IOptions<AgentOptions> options)
{
    public async Task<long> GenerateAsync(AgentRun run, CancellationToken cancellationToken)
    {
        var state = await streams.GetStateAsync(run.Stream);
        if (!state.IsLive && state.Status != StreamStatuses.Unknown)
        {
            // Ended by someone else (the reaper, a stop): this attempt has nothing to write to.
            throw new StreamEndedException(run.Stream);
        }

        var written = state.LastSeq;
        long seq = 0;
        await foreach (var update in chat.GetStreamingResponseAsync(Messages(run), cancellationToken: cancellationToken))
        {
            if (string.IsNullOrEmpty(update.Text) || ++seq <= written)
            {
                continue;
            }

            await streaming.StreamTokenAsync(run.Stream, run.Id, update.Text, expectedSeq: seq, cancellationToken);
        }

        return Math.Max(seq, written);
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
