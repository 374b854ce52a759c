extern alias worker;

using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using ReHome.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Telemetry;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Telemetry;
using static ReHome.Streaming.Naming.StreamNames;
using Tags = ReHome.Streaming.Telemetry.RunTracing.Tags;

namespace ReHome.Tests.Telemetry;

/// <summary>One trace per run: the api's request, the worker's execution of the run, the provider call, the stream's end.</summary>
public sealed class RunTraceTests(AppFixture fixture)
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private const string CallerSource = "ReHome.Tests.Caller";
    private const string HttpClientSource = "System.Net.Http";

    [Fact]
    public async Task ARunIsOneTraceFromTheRequestThroughTheWorkersExecutionToTheProviderCall()
    {
        using var callerSource = new ActivitySource(CallerSource);
        using var spans = new TraceRecorder(CallerSource, AspNetCoreSource, ReHomeTelemetry.ActivitySourceName, ReHomeTelemetry.GenAISourceName);
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync();

        var (run, traceId) = await CreateRunAsCallerAsync(callerSource, spans, alice, threadId);
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var requestSpan = await spans.WaitForAsync(
            span => span.Source.Name == AspNetCoreSource && span.DisplayName.EndsWith("/runs/", StringComparison.Ordinal), TestTimeouts.Default, "the api's request span");
        var execute = await spans.WaitForAsync(
            span => span.OperationName == RunTrace.ExecuteSpanName, TestTimeouts.Default, "the worker's run execute span");
        var chat = await spans.WaitForAsync(
            span => span.Source.Name == ReHomeTelemetry.GenAISourceName, TestTimeouts.Default, "the chat client's gen_ai span");

        Assert.Equal(run.Id, requestSpan.GetTagItem(Tags.RunId));
        Assert.Equal((traceId, requestSpan.SpanId, ActivityKind.Consumer), (execute.TraceId, execute.ParentSpanId, execute.Kind));
        Assert.Equal(ReHomeTelemetry.ActivitySourceName, execute.Source.Name);
        Assert.Equal(
            (run.Id, threadId, "default", 1, RunStatuses.Completed, 20L),
            (execute.GetTagItem(Tags.RunId), execute.GetTagItem(Tags.ThreadId), execute.GetTagItem(Tags.Priority),
             execute.GetTagItem(Tags.Attempt), execute.GetTagItem(Tags.Outcome), execute.GetTagItem(Tags.Tokens)));
        Assert.IsType<double>(execute.GetTagItem(Tags.FirstTokenMs));
        Assert.Equal([RunTrace.FirstTokenEvent, RunTrace.StreamEndedEvent], execute.Events.Select(e => e.Name));
        Assert.Equal(RunStatuses.Completed, execute.Events.Last().Tags.Single(tag => tag.Key == Tags.StreamStatus).Value);

        Assert.Equal((traceId, execute.SpanId), (chat.TraceId, chat.ParentSpanId));
        Assert.Equal("chat", chat.GetTagItem("gen_ai.operation.name"));
        Assert.True(chat.StartTimeUtc >= execute.StartTimeUtc && chat.StartTimeUtc + chat.Duration <= execute.StartTimeUtc + execute.Duration);
    }

    [Fact]
    public async Task TheWorkersTracerProviderExportsTheRunsSpanWithTheProviderCallUnderIt()
    {
        var exported = new ExportedSpans();
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        // The worker's own telemetry registration (ServiceDefaults), with an exporter that keeps what it is given.
        await lane.StartWorkerHostAsync(configure: builder =>
        {
            builder.ConfigureOpenTelemetry();
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(exported));
        });

        var run = await alice.CreateRunAsync(threadId, "export me");
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var execute = await Eventually.MatchesAsync(
            () => Task.FromResult(exported.Snapshot().FirstOrDefault(span => span.OperationName == RunTrace.ExecuteSpanName && (string?)span.GetTagItem(Tags.RunId) == run.Id)),
            span => span is not null, TestTimeouts.Default, "the run execute span exported");
        var chat = await Eventually.MatchesAsync(
            () => Task.FromResult(exported.Snapshot().FirstOrDefault(span => span.ParentSpanId == execute!.SpanId)),
            span => span is not null, TestTimeouts.Default, "a span exported under run execute");

        Assert.Equal(RunStatuses.Completed, execute!.GetTagItem(Tags.Outcome));
        Assert.Equal((ReHomeTelemetry.GenAISourceName, execute.TraceId, "chat"), (chat!.Source.Name, chat.TraceId, chat.GetTagItem("gen_ai.operation.name")));
    }

    [Fact]
    public async Task ARunWhoseProviderFailsEveryAttemptIsAnErrorSpanWithEachFailedAttemptAndEachProviderCall()
    {
        using var callerSource = new ActivitySource(CallerSource);
        using var spans = new TraceRecorder(CallerSource, ReHomeTelemetry.ActivitySourceName, ReHomeTelemetry.GenAISourceName, HttpClientSource);
        await using var provider = await FakeOpenAIServer.FailingAsync(500);
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:MaxAttempts", "2"), ("Queue:RetryDelay", "00:00:00.200")));

        var (run, traceId) = await CreateRunAsCallerAsync(callerSource, spans, alice, threadId);
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Failed, TestTimeouts.Default);

        var execute = await spans.WaitForAsync(span => span.OperationName == RunTrace.ExecuteSpanName, TestTimeouts.Default, "the worker's run execute span");
        Assert.Equal(
            ("dead_lettered", 2, ActivityStatusCode.Error),
            (execute.GetTagItem(Tags.Outcome), execute.GetTagItem(Tags.Attempt), execute.Status));
        Assert.Equal(["exception", "exception", RunTrace.StreamEndedEvent], execute.Events.Select(e => e.Name));
        Assert.Equal([1, 2], execute.Events.Take(2).Select(e => e.Tags.Single(tag => tag.Key == Tags.Attempt).Value));
        Assert.Equal(RunStatuses.Failed, execute.Events.Last().Tags.Single(tag => tag.Key == Tags.StreamStatus).Value);
        var calls = await Eventually.MatchesAsync(
            () => Task.FromResult(spans.Finished.Where(span => span.Source.Name == ReHomeTelemetry.GenAISourceName).ToList()),
            found => found.Count == 2, TestTimeouts.Default, "a gen_ai span per attempt");
        Assert.All(calls, call =>
        {
            Assert.Equal((traceId, execute.SpanId, ActivityStatusCode.Error), (call.TraceId, call.ParentSpanId, call.Status));
            Assert.Single(spans.Finished, span => span.Source.Name == HttpClientSource && span.ParentSpanId == call.SpanId);
        });

        // The dead letter names the trace, so an operator can go from it to the run's spans.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var deadLetter = Assert.Single(await redis.GetDatabase().StreamRangeAsync(Keys.DeadLetters(lane.QueueName)));
        Assert.Equal(run.Id, (string?)deadLetter[DeadLetterFields.RunId]);
        Assert.True(ActivityContext.TryParse(deadLetter[DeadLetterFields.TraceParent], null, out var deadLetterTrace), $"traceparent: {deadLetter[DeadLetterFields.TraceParent]}");
        Assert.Equal(traceId, deadLetterTrace.TraceId);
    }

    [Fact]
    public async Task NoSpanOfTheRunsTraceIsCurrentWhileItsTokensAreWritten()
    {
        using var callerSource = new ActivitySource(CallerSource);
        using var spans = new TraceRecorder(CallerSource, AspNetCoreSource, ReHomeTelemetry.ActivitySourceName, ReHomeTelemetry.GenAISourceName);
        var tokensWritten = 0;
        var tokensWrittenUnderASpan = 0;
        using var tokens = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ReHomeTelemetry.MeterName && instrument.Name == StreamingMetrics.TokensEmittedName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        // Measured where the token is written, in the writer's own flow: what is current there is what per-token work would see.
        // One measurement per write, of the tokens it appended (a write can carry several).
        tokens.SetMeasurementEventCallback<long>((_, count, _, _) =>
        {
            Interlocked.Add(ref tokensWritten, (int)count);
            if (Activity.Current is { } current && current.TraceId == spans.TraceId)
            {
                Interlocked.Add(ref tokensWrittenUnderASpan, (int)count);
            }
        });
        tokens.Start();
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync();

        var (run, _) = await CreateRunAsCallerAsync(callerSource, spans, alice, threadId);
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);
        await spans.WaitForAsync(span => span.OperationName == RunTrace.ExecuteSpanName, TestTimeouts.Default, "the worker's run execute span");

        Assert.True(tokensWritten >= 20, $"{tokensWritten} tokens written");
        Assert.Equal(0, tokensWrittenUnderASpan);
    }

    /// <summary>Queues a run from inside a caller's span (a browser or gateway that traces): the request continues its trace.</summary>
    private static async Task<(RunView Run, ActivityTraceId TraceId)> CreateRunAsCallerAsync(
        ActivitySource callerSource, TraceRecorder spans, UserSession user, string threadId)
    {
        using var caller = callerSource.StartActivity("caller", ActivityKind.Client)!;
        spans.Follow(caller.TraceId);
        return (await user.CreateRunAsync(threadId, "trace me"), caller.TraceId);
    }

    /// <summary>The exporter's collection: it adds as spans end while the test reads.</summary>
    private sealed class ExportedSpans : Collection<Activity>
    {
        private readonly Lock _lock = new();

        public Activity[] Snapshot()
        {
            lock (_lock)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
