using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

public sealed class StreamsTests(AppFixture fixture)
{
    [Fact]
    public async Task StreamsListsLiveEndedAndStuckStreamsWithTheirSeqStatusAndAge()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var live = new StreamRef(threadId, "writing");
        var ended = new StreamRef(threadId, "finished");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(live, "run-writing", 4);
        await producer.EmitAsync(ended, "run-finished", 2);
        await producer.Streaming.FailAsync(ended, "run-finished", "model error");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            var outcome = await OpsCli.RunAsync(fixture, ["streams", "--limit", "100000"],
                new Dictionary<string, string> { ["Reaper__IdleThreshold"] = "00:00:01" });

            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            var output = outcome.StandardOutput;
            var stuckTable = output.IndexOf("Stuck streams (idle over 1s", StringComparison.Ordinal);
            Assert.True(stuckTable > 0, output);
            Assert.Matches($@"(?m)^{threadId}\s+writing\s+run-writing\s+4\s+\d+s$", output[..stuckTable]);
            Assert.Matches($@"(?m)^{threadId}\s+finished\s+failed\s+2\s+\d+s ago\s+59m", output);
            Assert.Matches($@"(?m)^{threadId}\s+writing\s+\d+s$", output[stuckTable..]);
        }
        finally
        {
            await producer.Streaming.CompleteAsync(live, "run-writing");
        }
    }
}
