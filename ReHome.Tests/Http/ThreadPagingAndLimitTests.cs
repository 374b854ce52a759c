using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Http;

/// <summary>
/// Reads and writes whose cost must not grow with a thread's or a user's history: <c>GET /api/threads/{id}</c>
/// pages its runs, and each user may create only so many threads an hour. The API here queues into a
/// lane of its own that no worker reads, so the runs stay queued.
/// </summary>
public sealed class ThreadPagingAndLimitTests(AppFixture fixture) : IAsyncLifetime
{
    private const int ThreadsPerUser = 3;
    private const int DefaultPage = 4;

    private ApiReplica _api = null!;

    public ValueTask InitializeAsync()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Queue:Name"] = $"paging-{Guid.NewGuid():N}"[..20];
        settings["Threads:MaxCreatedPerUser"] = ThreadsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Threads:RunsPageSize"] = DefaultPage.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _api = ApiReplica.Start(settings);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GetThreadReturnsTheNewestRunsFirstAndACursorWalksTheRestWithNothingLostOrTwice()
    {
        using var alice = await UserSession.SignInAsync(_api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await alice.CreateRunAsync(threadId, $"question {i}")).Id);
        }

        var first = await ThreadPages.GetAsync(alice, threadId);
        var pages = await WalkAsync(alice, threadId, "?runsLimit=3");

        Assert.Equal(created[^DefaultPage..], first.Runs.Select(run => run.Id));
        Assert.Equal((true, true), (first.HasMoreRuns, first.NextRunsCursor is { Length: > 0 }));
        Assert.Equal([3, 3, 1], pages.Select(page => page.Runs.Count));
        Assert.Equal(created[^3..], pages[0].Runs.Select(run => run.Id));
        Assert.Equal([true, true, false], pages.Select(page => page.HasMoreRuns ?? false));
        Assert.Null(pages[^1].NextRunsCursor);
        Assert.Equal(created, pages.AsEnumerable().Reverse().SelectMany(page => page.Runs).Select(run => run.Id));
    }

    [Fact]
    public async Task RunsCreatedInTheSameMillisecondArePagedOnceEach()
    {
        using var alice = await UserSession.SignInAsync(_api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await alice.CreateRunAsync(threadId, $"question {i}")).Id);
        }

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString))
        {
            // One creation time for all: only their ids order them.
            await redis.GetDatabase().SortedSetAddAsync(Keys.ThreadRuns(threadId), created.Select(id => new SortedSetEntry(id, 1_700_000_000_000)).ToArray());
        }

        var pages = await WalkAsync(alice, threadId, "?runsLimit=2");

        var paged = pages.SelectMany(page => page.Runs).Select(run => run.Id).ToArray();
        Assert.Equal([2, 2, 1], pages.Select(page => page.Runs.Count));
        Assert.Equal(created.Order(StringComparer.Ordinal), paged.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StreamStatesReadTogetherComeBackInTheOrderAskedEachWithItsOwnState()
    {
        await using var producer = await StreamProducer.StartAsync(fixture);
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        StreamRef live = new(threadId, "live"), ended = new(threadId, "ended"), unknown = new(threadId, "unknown");
        await producer.EmitAsync(live, "run_live", 3);
        await producer.EmitAsync(ended, "run_ended", 2);
        await producer.Streaming.FailAsync(ended, "run_ended", "it broke");

        var states = await producer.Log.GetStatesAsync([unknown, ended, live, ended]);
        await producer.Streaming.CompleteAsync(live, "run_live");

        Assert.Equal([unknown, ended, live, ended], states.Select(state => state.Stream));
        Assert.Equal((StreamStatuses.Unknown, 0L, (string?)null), (states[0].Status, states[0].LastSeq, states[0].RunId));
        Assert.Equal((StreamStatuses.Failed, 2L, "run_ended", "it broke"), (states[1].Status, states[1].LastSeq, states[1].RunId, states[1].Reason));
        Assert.Equal((StreamStatuses.Streaming, 3L, "run_live"), (states[2].Status, states[2].LastSeq, states[2].RunId));
        Assert.Equal(states[1], states[3]);
        Assert.Empty(await producer.Log.GetStatesAsync([]));
    }

    [Theory]
    [InlineData("?runsLimit=0", "runsLimit")]
    [InlineData("?runsLimit=501", "runsLimit")]
    [InlineData("?runsLimit=many", "runsLimit")]
    [InlineData("?runsBefore=not-a-cursor", "runsBefore")]
    public async Task ABadPagingParameterIsA400ProblemNamingIt(string query, string field)
    {
        using var alice = await UserSession.SignInAsync(_api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();

        using var response = await alice.Http.GetAsync($"/api/threads/{threadId}{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreatingMoreThreadsThanTheUserLimitIsA429ProblemWithRetryAfterAndOtherUsersAreNotHeldBack()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await UserSession.SignInAsync(_api.BaseAddress);
        using var bob = await UserSession.SignInAsync(_api.BaseAddress);
        for (var i = 0; i < ThreadsPerUser; i++)
        {
            await alice.CreateThreadAsync($"thread {i}");
        }

        using var refused = await alice.Http.PostAsJsonAsync("/api/threads", new { title = "one too many" }, cancellation);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(cancellation)).RootElement;
        var bobsThread = await bob.CreateThreadAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.NotEmpty(bobsThread);
    }

    [Theory]
    [InlineData("Runs:Retention", "00:00:00", "Retention")]
    [InlineData("Threads:MaxCreatedPerUser", "0", "MaxCreatedPerUser")]
    [InlineData("Threads:RunsPageSize", "501", "RunsPageSize")]
    [InlineData("Queue:DeadLetterMaxLength", "5", "DeadLetterMaxLength")]
    public void TheApiDoesNotStartWithABadRetentionOrLimitSettingAndNamesIt(string key, string value, string named)
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => ApiReplica.Start(settings).Dispose());

        Assert.Contains(named, error.Message);
    }

    /// <summary>Every page of the thread's runs, newest page first, following the cursor.</summary>
    private static async Task<List<ThreadPages.Page>> WalkAsync(UserSession session, string threadId, string query)
    {
        var pages = new List<ThreadPages.Page> { await ThreadPages.GetAsync(session, threadId, query) };
        while (pages[^1].NextRunsCursor is { } cursor && pages.Count < 20)
        {
            pages.Add(await ThreadPages.GetAsync(session, threadId, $"{query}&runsBefore={Uri.EscapeDataString(cursor)}"));
        }

        return pages;
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();
}
