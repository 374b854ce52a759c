using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Http;

/// <summary><c>GET /api/threads</c> on the application's api: the caller's threads, newest first, a page at a time.</summary>
public sealed class ThreadListingTests(AppFixture fixture)
{
    private sealed record Summary(string Id, string? Title, DateTimeOffset CreatedAt);

    private sealed record Page(IReadOnlyList<Summary> Threads, bool HasMore, string? NextCursor);

    [Fact]
    public async Task ListingReturnsTheCallersThreadsNewestFirstAndTheCursorWalksThemWithNothingLostOrTwice()
    {
        using var alice = await fixture.SignInAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await alice.CreateThreadAsync($"thread {i}"));
        }

        var everything = await GetAsync(alice, string.Empty);
        var pages = await WalkAsync(alice, "?limit=3");

        created.Reverse();
        Assert.Equal(created, everything.Threads.Select(thread => thread.Id));
        Assert.Equal(["thread 6", "thread 5"], everything.Threads.Take(2).Select(thread => thread.Title));
        Assert.Equal((false, (string?)null), (everything.HasMore, everything.NextCursor));
        Assert.Equal([3, 3, 1], pages.Select(page => page.Threads.Count));
        Assert.Equal([true, true, false], pages.Select(page => page.HasMore));
        Assert.Null(pages[^1].NextCursor);
        Assert.Equal(created, pages.SelectMany(page => page.Threads).Select(thread => thread.Id));
    }

    [Fact]
    public async Task ThreadsCreatedInTheSameMillisecondAreListedOnceEach()
    {
        using var alice = await fixture.SignInAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await alice.CreateThreadAsync());
        }

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString))
        {
            // One creation time for all: only their ids order them.
            await redis.GetDatabase().SortedSetAddAsync(Keys.UserThreads(alice.UserId), created.Select(id => new SortedSetEntry(id, 1_700_000_000_000)).ToArray());
        }

        var pages = await WalkAsync(alice, "?limit=2");

        Assert.Equal([2, 2, 1], pages.Select(page => page.Threads.Count));
        Assert.Equal(created.AsEnumerable().Reverse(), pages.SelectMany(page => page.Threads).Select(thread => thread.Id));
    }

    [Fact]
    public async Task AnotherUsersThreadsAreNotListed()
    {
        using var alice = await fixture.SignInAsync();
        using var bob = await fixture.SignInAsync();
        using var carol = await fixture.SignInAsync();
        var alices = await alice.CreateThreadAsync();
        var bobs = new[] { await bob.CreateThreadAsync(), await bob.CreateThreadAsync() };

        var alicesList = await GetAsync(alice, string.Empty);
        var bobsList = await GetAsync(bob, string.Empty);
        var carolsList = await GetAsync(carol, string.Empty);

        Assert.Equal([alices], alicesList.Threads.Select(thread => thread.Id));
        Assert.Equal(bobs.Reverse(), bobsList.Threads.Select(thread => thread.Id));
        Assert.Empty(carolsList.Threads);
        Assert.False(carolsList.HasMore);
    }

    [Fact]
    public async Task AThreadThatExpiredIsNotListedAndLeavesTheIndex()
    {
        using var alice = await fixture.SignInAsync();
        var kept = await alice.CreateThreadAsync();
        var expired = await alice.CreateThreadAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync(Keys.Thread(expired));

        var page = await GetAsync(alice, "?limit=1");

        Assert.Equal([kept], page.Threads.Select(thread => thread.Id));
        Assert.False(page.HasMore);
        Assert.Null(await redis.GetDatabase().SortedSetScoreAsync(Keys.UserThreads(alice.UserId), expired));
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?limit=many", "limit")]
    [InlineData("?limit=", "limit")]
    [InlineData("?before=not-a-cursor", "before")]
    [InlineData("?before=123", "before")]
    [InlineData("?before=.thr_1", "before")]
    [InlineData("?before=123.bad%21id", "before")]
    [InlineData("?before=99999999999999999999.thr_1", "before")]
    public async Task ABadLimitOrCursorIsA400ProblemNamingIt(string query, string field)
    {
        using var alice = await fixture.SignInAsync();

        using var response = await alice.Http.GetAsync($"/api/threads{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ListingWithoutATokenIs401()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.ApiEndpoint, Timeout = TestTimeouts.Default };

        using var response = await anonymous.GetAsync("/api/threads", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<Page> GetAsync(UserSession session, string query) =>
        (await session.Http.GetFromJsonAsync<Page>($"/api/threads{query}", JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;

    /// <summary>Every page of the caller's threads, newest page first, following the cursor.</summary>
    private static async Task<List<Page>> WalkAsync(UserSession session, string query)
    {
        var pages = new List<Page> { await GetAsync(session, query) };
        while (pages[^1].NextCursor is { } cursor && pages.Count < 20)
        {
            pages.Add(await GetAsync(session, $"{query}&before={Uri.EscapeDataString(cursor)}"));
        }

        return pages;
    }
}
