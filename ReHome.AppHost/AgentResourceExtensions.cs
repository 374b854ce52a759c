using Microsoft.Extensions.Configuration;

namespace ReHome.AppHost;

internal static class AgentResourceExtensions
{
    private const string SectionName = "Agent";

    /// <summary>
    /// Passes the AppHost's <c>Agent</c> settings (provider, offline pace, OpenAI endpoint and model) to
    /// the worker. With <c>Agent:Provider=OpenAI</c> the API key comes from the secret parameter
    /// <c>openai-api-key</c>, never from plain configuration.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAgentSettings(this IResourceBuilder<ProjectResource> worker, IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !key.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase))
            {
                worker.WithEnvironment($"{SectionName}__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
            }
        }

        if (string.Equals(section["Provider"], "OpenAI", StringComparison.OrdinalIgnoreCase))
        {
            var apiKey = builder.AddParameter("openai-api-key", secret: true);
            worker.WithEnvironment($"{SectionName}__OpenAI__ApiKey", apiKey);
        }

        return worker;
    }
}
