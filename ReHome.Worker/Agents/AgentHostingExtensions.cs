using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace ReHome.Worker.Agents;

internal static class AgentHostingExtensions
{
    /// <summary>The <see cref="IChatClient"/> runs generate with, chosen by <c>Agent:Provider</c>, with OpenTelemetry.</summary>
    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddChatClient(CreateProvider)
            .Use((inner, services) => new ChatTelemetryClient(inner, services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        return builder;
    }

    private static IChatClient CreateProvider(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        if (options.Provider == AgentProvider.Offline)
        {
            return ActivatorUtilities.CreateInstance<OfflineChatClient>(services);
        }

        var openAI = options.OpenAI;
        var client = new OpenAIClient(
            // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
            new ApiKeyCredential(string.IsNullOrEmpty(openAI.ApiKey) ? "unused" : openAI.ApiKey),
            new OpenAIClientOptions
            {
                Endpoint = openAI.Endpoint,
                // ReHome retries whole attempts with its own back-off (Queue:MaxAttempts); no second layer here.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = openAI.Timeout,
            });
        return client.GetChatClient(openAI.Model).AsIChatClient();
    }
}
