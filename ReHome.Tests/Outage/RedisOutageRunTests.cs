extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReHome.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Tests.Infrastructure;
using worker::ReHome.Worker;
using worker::ReHome.Worker.Agents;

namespace ReHome.Tests.Outage;

/// <summary>
/// Redis goes away for longer than a command's timeout while runs are streaming — a real redis-server
/// of the test's own is killed and started again, with a real API and a real worker on it.
/// </summary>
public sealed class RedisOutageRunTests
{
    private const int ReplyTokens = 40;

    [Fact]
    public async Task RunsStreamingThroughARedisOutageLongerThanTheCommandTimeoutPauseAndCompleteOnceWithTheWholeReply()
    {
        await using var redis = await IsolatedRedis.StartAsync();
        var settings = ApiReplica.SettingsLike(redis.ConnectionString);
        await using var api = ApiReplica.Start(settings);
        settings["Agent:Offline:TokensPerSecond"] = "8";
        settings["Agent:Offline:ReplyTokens"] = ReplyTokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Queue:VisibilityTimeout"] = "00:00:05";
        await using var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString, builder => builder.AddReHomeWorker(), settings);
        var workerLifetime = worker.Services.GetRequiredService<IHostApplicationLifetime>();

        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, api.BaseAddress);
        await using var _ = client;
        var runs = new List<RunView>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await alice.CreateRunAsync(threadId, $"outage question {i}"));
        }

        foreach (var run in runs)
        {
            await receiver.WaitForSeqAsync(run.StreamId, 3, TestTimeouts.Default);
        }

        // 12 s: more than StackExchange.Redis's 5 s command timeout, so commands time out (RedisTimeoutException) rather than only failing to connect.
        await redis.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(12), TestContext.Current.CancellationToken);
        Assert.False(workerLifetime.ApplicationStopping.IsCancellationRequested, "the worker stopped during the outage");
        await redis.StartAgainAsync();

        foreach (var run in runs)
        {
            var finished = await Eventually.MatchesAsync(
                () => alice.GetRunAsync(threadId, run.Id),
                view => RunStatuses.IsFinal(view.Status),
                TestTimeouts.Recovery,
                $"run {run.Id} finishing after the outage");
            Assert.Equal((RunStatuses.Completed, 1, (string?)null), (finished.Status, finished.Attempts, finished.Error));

            var expected = OfflineReply.Tokens($"outage question {runs.IndexOf(run)}", ReplyTokens).ToArray();
            var log = await alice.GetTokensAsync(threadId, run.StreamId);
            Assert.Equal(Enumerable.Range(1, ReplyTokens).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
            Assert.Equal(expected, log.Tokens.Select(token => token.Token));

            // The client fills what the backplane dropped by replay (on resync, a gap or the end) and shows the reply once.
            await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Recovery);
            Assert.Equal(expected, receiver.Shown(run.StreamId).Select(token => token.Token));
            receiver.AssertShownOnce(run.StreamId, ReplyTokens);
        }

        Assert.False(workerLifetime.ApplicationStopping.IsCancellationRequested, "the worker stopped after the outage");
    }
}
