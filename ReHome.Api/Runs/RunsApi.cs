using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReHome.Api.ApiDocs;
using ReHome.Api.Http;
using ReHome.Api.Threads;
using ReHome.Contracts;
using ReHome.Streaming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;

namespace ReHome.Api.Runs;

internal sealed record CreateRunRequest(string? Input, string? Priority, string? StreamId);

internal static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapThreadGroup("Runs").MapGroup("/runs");
        runs.MapPost("/", CreateAsync)
            .WithName("CreateRun")
            .WithSummary("Queue a run")
            .WithDescription("Validates and queues a run (status queued); its tokens stream on the hub. 409 when streamId is already used in the thread; nothing is queued on any 4xx.")
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{runId}", GetAsync)
            .WithName("GetRun")
            .WithSummary("Get a run")
            .WithDescription("The run as it stands, with the last seq of its stream and, once it finished, its output (the text its stream kept). A run of another thread is a 404.");
        runs.MapPost("/{runId}/cancel", CancelAsync)
            .WithName("CancelRun")
            .WithSummary("Stop a run")
            .WithDescription("The user's stop: a queued run is cancelled at once, a running one within a second (its stream ends cancelled).");
        return routes;
    }

    /// <summary>Validates and queues a run: 202 with the run (status <c>queued</c>); nothing is queued on any 4xx.</summary>
    private static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRunRequest request, HttpContext context, RunStore runs, RunEvents events, IOptions<QueueOptions> queue)
    {
        var maxInput = queue.Value.MaxInputLength;
        if (string.IsNullOrWhiteSpace(request.Input))
        {
            return ApiProblems.Invalid("input", "must not be empty");
        }

        if (request.Input.Length > maxInput)
        {
            return ApiProblems.Invalid("input", $"must be at most {maxInput} characters");
        }

        var priority = request.Priority ?? RunPriorities.Default;
        if (!RunPriorities.IsValid(priority))
        {
            return ApiProblems.Invalid("priority", $"must be \"{RunPriorities.High}\" or \"{RunPriorities.Default}\"");
        }

        if (request.StreamId is not null && !Ids.IsValid(request.StreamId))
        {
            return ApiProblems.InvalidId("streamId");
        }

        var thread = ThreadAccessFilter.Current(context);
        if (await runs.CreateAndEnqueueAsync(thread.Id, request.Input, priority, request.StreamId) is not { } run)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Stream id in use",
                detail: $"The thread already has a stream '{request.StreamId}'; choose another streamId or leave it out.");
        }

        // The request's span is the parent of the worker's run execute span; the run id finds both.
        Activity.Current?.SetTag(RunTracing.Tags.RunId, run.Id);
        await events.PublishAsync(run.Id);
        return TypedResults.Accepted($"/api/threads/{thread.Id}/runs/{run.Id}", run.ToView(lastSeq: 0));
    }

    private static async Task<Results<Ok<RunView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string runId, HttpContext context, RunStore runs, StreamLog streams)
    {
        if (!Ids.IsValid(runId))
        {
            return ApiProblems.InvalidId("runId");
        }

        if (await FindInThreadAsync(runId, context, runs) is not { } run)
        {
            return RunNotFound();
        }

        var state = await streams.GetStateAsync(run.Stream);
        var output = await streams.GetOutputsAsync([(run.Stream, run.Id)]);
        return TypedResults.Ok(run.ToView(state.LastSeq, output[0]));
    }

    /// <summary>The user's stop: 202 with the run; a queued run is cancelled at once, a running one within a second.</summary>
    private static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string runId, HttpContext context, RunStore runs, StreamLog streams, RunCancellation cancellation)
    {
        if (!Ids.IsValid(runId))
        {
            return ApiProblems.InvalidId("runId");
        }

        if (await FindInThreadAsync(runId, context, runs) is not { } run)
        {
            return RunNotFound();
        }

        await cancellation.RequestAsync(run);
        run = await runs.GetAsync(runId) ?? run;
        return TypedResults.Accepted($"/api/threads/{run.ThreadId}/runs/{run.Id}", run.ToView((await streams.GetStateAsync(run.Stream)).LastSeq));
    }

    /// <summary>The run when it belongs to the thread the filter authorised; runs of other threads do not exist here.</summary>
    private static async Task<AgentRun?> FindInThreadAsync(string runId, HttpContext context, RunStore runs) =>
        await runs.GetAsync(runId) is { } run && run.ThreadId == ThreadAccessFilter.Current(context).Id ? run : null;

    private static ProblemHttpResult RunNotFound() => ApiProblems.NotFound("Run not found", "The thread has no such run.");
}
