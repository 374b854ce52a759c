using ReHome.Tests.Infrastructure;
using static ReHome.Tests.Ops.OpsOutput;

namespace ReHome.Tests.Ops;

public sealed class StatusTests(AppFixture fixture)
{
    [Fact]
    public async Task StatusReportsRedisApiHubAndWorkerUpAgainstTheRunningApp()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["status"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal("OK", StateOf(outcome.StandardOutput, "redis"));
        Assert.Contains("PONG in", RowOf(outcome.StandardOutput, "redis"));
        Assert.Contains("write and read ok", RowOf(outcome.StandardOutput, "redis"));
        Assert.True(IsUp(StateOf(outcome.StandardOutput, "api")), outcome.ToString());
        Assert.Equal("OK", StateOf(outcome.StandardOutput, "hub"));
        Assert.Contains("WebSocket handshake", RowOf(outcome.StandardOutput, "hub"));
        Assert.True(IsUp(StateOf(outcome.StandardOutput, "worker")), outcome.ToString());
    }

    [Theory]
    [InlineData("redis", "ConnectionStrings__redis", "127.0.0.1:{port}")]
    [InlineData("api", "services__api__http__0", "http://127.0.0.1:{port}")]
    [InlineData("worker", "services__worker__http__0", "http://127.0.0.1:{port}")]
    public async Task APartPointedAtADeadAddressIsDownWithTheReasonAndTheExitCodeSaysSo(string part, string setting, string deadAddress)
    {
        var outcome = await OpsCli.RunAsync(fixture, ["status"],
            new Dictionary<string, string> { [setting] = deadAddress.Replace("{port}", OpsCli.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) });

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("DOWN", StateOf(outcome.StandardOutput, part));
        Assert.Contains("Connection refused", RowOf(outcome.StandardOutput, part));
        Assert.Contains($"DOWN: {part}", outcome.StandardError);
        var others = new[] { "redis", "api", "worker" }.Where(other => other != part);
        Assert.All(others, other => Assert.True(IsUp(StateOf(outcome.StandardOutput, other)), outcome.ToString()));
    }

    [Fact]
    public async Task TheHubIsDownWhenItRefusesTheTokenWhileTheApiAnswers()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["status"], new Dictionary<string, string> { ["Auth__SigningKeys__0__Key"] = TestSigningKeys.Unknown });

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("DOWN", StateOf(outcome.StandardOutput, "hub"));
        Assert.Contains("401", RowOf(outcome.StandardOutput, "hub"));
        Assert.True(IsUp(StateOf(outcome.StandardOutput, "api")), outcome.ToString());
    }

    [Fact]
    public async Task AWorkerWithoutAnAddressIsReportedNotConfiguredAndIsNoFailure()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["status"], new Dictionary<string, string> { ["services__worker__http__0"] = string.Empty });

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal("-", StateOf(outcome.StandardOutput, "worker"));
        Assert.Contains("not configured", RowOf(outcome.StandardOutput, "worker"));
    }
}
