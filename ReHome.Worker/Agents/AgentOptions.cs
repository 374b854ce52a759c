using System.ComponentModel.DataAnnotations;

namespace ReHome.Worker.Agents;

/// <summary>Where tokens come from (section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary><c>Offline</c> (the default: no network, for demos, smoke and load tests) or <c>OpenAI</c> (any OpenAI-compatible endpoint).</summary>
    public AgentProvider Provider { get; set; } = AgentProvider.Offline;

    /// <summary>An instruction sent before the user's input (OpenAI-compatible providers).</summary>
    [MaxLength(10_000)]
    public string? SystemPrompt { get; set; }

    public OfflineProviderOptions Offline { get; set; } = new();

    public OpenAIProviderOptions OpenAI { get; set; } = new();
}

public enum AgentProvider
{
    Offline,
    OpenAI,
}

/// <summary>The built-in provider: a reply to the input, written at a set pace.</summary>
public sealed class OfflineProviderOptions
{
    /// <summary>Pace of the reply; 0 writes as fast as the pipeline takes it (load tests).</summary>
    [Range(0, 100_000)]
    public double TokensPerSecond { get; set; } = 25;

    /// <summary>Tokens per reply.</summary>
    [Range(1, 1_000_000)]
    public int ReplyTokens { get; set; } = 60;
}

/// <summary>An OpenAI-compatible chat completions endpoint: OpenAI, Azure OpenAI (v1 API), Ollama, vLLM.</summary>
public sealed class OpenAIProviderOptions
{
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100), MaxTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The API base address, for example https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model (or Azure deployment) name.</summary>
    public string? Model { get; set; }

    /// <summary>The API key; local servers such as Ollama accept any value, so it may be left empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Longest wait for the provider's next network step — the answer's start, then each piece of the
    /// streamed reply. A provider silent for longer fails the attempt, which is retried (Queue:MaxAttempts).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}
