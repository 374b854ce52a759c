using Microsoft.Extensions.Options;

namespace ReHome.Worker.Agents;

/// <summary>An OpenAI-compatible provider needs an absolute endpoint and a model; say so at start, not at the first run.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail("Agent:Provider must be Offline or OpenAI.");
        }

        if (options.Provider != AgentProvider.OpenAI)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.OpenAI.Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Agent:OpenAI:Endpoint must be an http(s) address when Agent:Provider is OpenAI (for example https://api.openai.com/v1).");
        }

        if (string.IsNullOrWhiteSpace(options.OpenAI.Model))
        {
            errors.Add("Agent:OpenAI:Model must be set when Agent:Provider is OpenAI (for example gpt-4o-mini).");
        }

        if (options.OpenAI.Timeout < OpenAIProviderOptions.MinTimeout || options.OpenAI.Timeout > OpenAIProviderOptions.MaxTimeout)
        {
            errors.Add($"Agent:OpenAI:Timeout must be between {OpenAIProviderOptions.MinTimeout} and {OpenAIProviderOptions.MaxTimeout} (for example 00:01:40).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
