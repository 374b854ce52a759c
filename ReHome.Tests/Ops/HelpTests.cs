using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

public sealed class HelpTests(AppFixture fixture)
{
    [Fact]
    public async Task HelpListsEveryCommandAndEachCommandHasItsOwnHelp()
    {
        var root = await OpsCli.RunAsync(fixture, ["--help"]);
        var smoke = await OpsCli.RunAsync(fixture, ["smoke", "--help"]);

        Assert.True(root.ExitCode == 0, root.ToString());
        foreach (var command in new[] { "smoke", "status", "streams", "cleanup", "reap", "config", "broadcast", "flush" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", root.StandardOutput);
        }

        Assert.True(smoke.ExitCode == 0, smoke.ToString());
        Assert.Contains("--create", smoke.StandardOutput);
        Assert.Contains("--max-p95-ms", smoke.StandardOutput);
    }

    [Fact]
    public async Task AMistakenCommandLineSaysWhatIsWrongAndExitsNonZeroWithoutRunningAnything()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "soon"]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("'soon' is not a duration", outcome.StandardError);
        Assert.Contains("See `ReHome.Worker cleanup --help`.", outcome.StandardError);
        Assert.Empty(outcome.StandardOutput);
    }
}
