using Microsoft.AspNetCore.Http.HttpResults;
using ReHome.Api.Http;
using ReHome.Api.Threads;
using ReHome.Contracts;
using ReHome.Streaming;
using ReHome.Streaming.Streams;

namespace ReHome.Api.Streams;

internal static class StreamsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapStreamsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapThreadGroup("Streams").MapGet("/streams/{streamId}/tokens", GetTokensAsync)
            .WithName("GetStreamTokens")
            .WithSummary("Read a stream's tokens (the REST replay)")
            .WithDescription($"Tokens with seq greater than after (0 to 9223372036854775807), in order, at most limit (1 to {MaxLimit}, default {DefaultLimit}), with the stream's status, last seq and epoch.");
        return routes;
    }

    /// <summary>The REST replay: tokens with seq greater than <c>after</c>, in order, at most <c>limit</c>.</summary>
    private static async Task<Results<Ok<StreamTokensPage>, ValidationProblem>> GetTokensAsync(
        string streamId, HttpContext context, StreamLog streams, long after = 0, int limit = DefaultLimit)
    {
        if (!Ids.IsValid(streamId))
        {
            return ApiProblems.InvalidId("streamId");
        }

        if (after < 0)
        {
            return ApiProblems.Invalid("after", "must be 0 or more");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiProblems.Invalid("limit", $"must be between 1 and {MaxLimit}");
        }

        var stream = new StreamRef(ThreadAccessFilter.Current(context).Id, streamId);
        var state = await streams.GetStateAsync(stream);
        var tokens = await streams.ReadAfterAsync(stream, after, limit, state.RunId);
        return TypedResults.Ok(new StreamTokensPage(streamId, state.Status, state.LastSeq, tokens, state.Epoch));
    }
}
