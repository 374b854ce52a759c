using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ReHome.Worker.Agents;

/// <summary>
/// The built-in chat client: replies to the last user message at <see cref="OfflineProviderOptions.TokensPerSecond"/>,
/// with no network, so the whole system runs, demos and load-tests anywhere.
/// </summary>
internal sealed class OfflineChatClient(IOptions<AgentOptions> options, TimeProvider time) : IChatClient
{
    /// <summary>
    /// <see cref="ChatOptions.AdditionalProperties"/> key: how many tokens of the reply a stream already
    /// holds. They are given at once, unpaced — the caller skips them — so a resumed run goes on where
    /// it stopped instead of waiting out their pace again.
    /// </summary>
    public const string AlreadyWrittenProperty = "rehome.alreadyWritten";

    private static readonly ChatClientMetadata Metadata = new("rehome-offline", defaultModelId: "offline");

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var settings = options.Value.Offline;
        var input = messages.LastOrDefault(message => message.Role == ChatRole.User)?.Text ?? string.Empty;
        var interval = settings.TokensPerSecond > 0 ? TimeSpan.FromSeconds(1 / settings.TokensPerSecond) : TimeSpan.Zero;
        var started = time.GetTimestamp();
        var skipped = chatOptions?.AdditionalProperties?.TryGetValue(AlreadyWrittenProperty, out long written) is true ? written : 0;
        var index = 0;
        foreach (var token in OfflineReply.Tokens(input, settings.ReplyTokens))
        {
            if (skipped-- > 0)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, token) { ModelId = "offline" };
                continue;
            }

            // Paced against the start, not the previous token, so delays do not accumulate.
            var due = interval * index++ - time.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, token) { ModelId = "offline" };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
