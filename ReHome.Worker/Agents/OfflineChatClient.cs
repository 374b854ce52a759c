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
        var index = 0;
        foreach (var token in OfflineReply.Tokens(input, settings.ReplyTokens))
        {
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
