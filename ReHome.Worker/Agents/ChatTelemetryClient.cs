using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ReHome.Worker.Agents;

/// <summary>
/// The provider call's OpenTelemetry: one <c>chat {model}</c> span (OpenTelemetry's gen_ai semantic
/// conventions: operation, provider, request and response model, response id, finish reasons, token
/// usage, error type) and the <c>gen_ai.client.operation.duration</c> and
/// <c>gen_ai.client.token.usage</c> histograms, on the source and meter
/// <see cref="ReHomeTelemetry.GenAISourceName"/>. Prompts and replies are never recorded.
/// </summary>
/// <remarks>
/// In place of Microsoft.Extensions.AI's <c>UseOpenTelemetry</c>, which keeps every update of a
/// streamed reply until the reply ends (to rebuild the whole response for its span): measured with the
/// load benchmark, that was 18 of the worker's 26 MB of live heap with 100 replies of ~900 tokens, and
/// it grew with every token of every running reply. This layer keeps only what the span reports.
/// </remarks>
internal sealed class ChatTelemetryClient : DelegatingChatClient
{
    private static readonly ActivitySource Source = new(ReHomeTelemetry.GenAISourceName);

    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _tokenUsage;
    private readonly ChatClientMetadata? _metadata;

    public ChatTelemetryClient(IChatClient inner, IMeterFactory meters)
        : base(inner)
    {
        var meter = meters.Create(ReHomeTelemetry.GenAISourceName);
        _duration = meter.CreateHistogram(
            "gen_ai.client.operation.duration", unit: "s", description: "Duration of GenAI operations",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });
        _tokenUsage = meter.CreateHistogram<long>(
            "gen_ai.client.token.usage", unit: "{token}", description: "Measures number of input and output tokens used",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304] });
        _metadata = inner.GetService<ChatClientMetadata>();
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var requestModel = options?.ModelId ?? _metadata?.DefaultModelId;
        using var activity = StartActivity(requestModel, options);
        var started = Stopwatch.GetTimestamp();
        var reply = new ReplySummary();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            reply.Add(response);
            Finish(activity, started, requestModel, reply, error: null);
            return response;
        }
        catch (Exception exception)
        {
            Finish(activity, started, requestModel, reply, exception);
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var requestModel = options?.ModelId ?? _metadata?.DefaultModelId;
        // Current from here, so the provider's own request (its HTTP span) is a child of this one.
        using var activity = StartActivity(requestModel, options);
        var started = Stopwatch.GetTimestamp();
        var reply = new ReplySummary();
        var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception exception)
                {
                    Finish(activity, started, requestModel, reply, exception);
                    throw;
                }

                reply.Add(updates.Current);
                yield return updates.Current;
            }

            Finish(activity, started, requestModel, reply, error: null);
        }
        finally
        {
            await updates.DisposeAsync();
        }
    }

    private Activity? StartActivity(string? requestModel, ChatOptions? options)
    {
        var activity = Source.StartActivity(string.IsNullOrEmpty(requestModel) ? "chat" : $"chat {requestModel}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat")
                .SetTag("gen_ai.provider.name", _metadata?.ProviderName)
                .SetTag("gen_ai.request.model", requestModel)
                .SetTag("server.address", _metadata?.ProviderUri?.Host)
                .SetTag("server.port", _metadata?.ProviderUri?.Port)
                .SetTag("gen_ai.request.max_tokens", options?.MaxOutputTokens)
                .SetTag("gen_ai.request.temperature", options?.Temperature);
        }

        return activity;
    }

    private void Finish(Activity? activity, long started, string? requestModel, ReplySummary reply, Exception? error)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", _metadata?.ProviderName },
            { "gen_ai.request.model", requestModel },
            { "gen_ai.response.model", reply.ModelId },
        };
        if (error is not null)
        {
            tags.Add("error.type", error.GetType().FullName);
        }

        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (reply.InputTokens is { } input)
        {
            var inputTags = tags;
            inputTags.Add("gen_ai.token.type", "input");
            _tokenUsage.Record(input, inputTags);
        }

        if (reply.OutputTokens is { } output)
        {
            var outputTags = tags;
            outputTags.Add("gen_ai.token.type", "output");
            _tokenUsage.Record(output, outputTags);
        }

        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("gen_ai.response.id", reply.ResponseId)
            .SetTag("gen_ai.response.model", reply.ModelId)
            .SetTag("gen_ai.usage.input_tokens", reply.InputTokens)
            .SetTag("gen_ai.usage.output_tokens", reply.OutputTokens);
        if (reply.FinishReason is { } finishReason)
        {
            activity.SetTag("gen_ai.response.finish_reasons", new[] { finishReason.Value });
        }

        if (error is not null)
        {
            activity.SetTag("error.type", error.GetType().FullName).SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    /// <summary>What the span reports of a streamed reply, gathered as it passes — never the reply itself.</summary>
    private sealed class ReplySummary
    {
        public string? ModelId { get; private set; }

        public string? ResponseId { get; private set; }

        public ChatFinishReason? FinishReason { get; private set; }

        public long? InputTokens { get; private set; }

        public long? OutputTokens { get; private set; }

        public void Add(ChatResponseUpdate update)
        {
            ModelId = update.ModelId ?? ModelId;
            ResponseId = update.ResponseId ?? ResponseId;
            FinishReason = update.FinishReason ?? FinishReason;
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is UsageContent { Details: var usage })
                {
                    AddUsage(usage);
                }
            }
        }

        public void Add(ChatResponse response)
        {
            (ModelId, ResponseId, FinishReason) = (response.ModelId, response.ResponseId, response.FinishReason);
            if (response.Usage is { } usage)
            {
                AddUsage(usage);
            }
        }

        private void AddUsage(UsageDetails usage)
        {
            InputTokens = usage.InputTokenCount ?? InputTokens;
            OutputTokens = usage.OutputTokenCount ?? OutputTokens;
        }
    }
}
