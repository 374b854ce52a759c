using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

public sealed class ConfigTests(AppFixture fixture)
{
    [Fact]
    public async Task ConfigShowsTheEffectiveSettingsWithEverySecretRedacted()
    {
        const string RedisPassword = "redis-pass-4f1c9e";
        const string OpenAIKey = "sk-test-7d2b0a";
        var outcome = await OpsCli.RunAsync(fixture, ["config"], new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = $"{fixture.RedisConnectionString},password={RedisPassword}",
            ["Agent__OpenAI__ApiKey"] = OpenAIKey,
            ["Reaper__IdleThreshold"] = "00:03:00",
        });

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains($"Auth:SigningKeys:0:Id = {TestSigningKeys.PrimaryId}", outcome.StandardOutput);
        Assert.Contains("Auth:SigningKeys:0:Key = (set, redacted)", outcome.StandardOutput);
        Assert.Contains("Agent:OpenAI:ApiKey = (set, redacted)", outcome.StandardOutput);
        Assert.Contains($"ConnectionStrings:redis = {fixture.RedisConnectionString}", outcome.StandardOutput);
        Assert.Contains("Reaper:IdleThreshold = 00:03:00", outcome.StandardOutput);
        Assert.Contains("Streaming:EndedRetention = 01:00:00", outcome.StandardOutput);
        Assert.Contains("Queue:Name = runs", outcome.StandardOutput);
        Assert.Contains("RateLimit:ActionsPerWindow = 100", outcome.StandardOutput);
        Assert.Contains($"services:api = {fixture.ApiEndpoint}", outcome.StandardOutput);
        foreach (var secret in new[] { TestSigningKeys.Primary, RedisPassword, OpenAIKey })
        {
            Assert.DoesNotContain(secret, outcome.Output);
        }
    }

    [Fact]
    public async Task ConfigWithASectionShowsOnlyThatSection()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["config", "auth"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var lines = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.StartsWith("Auth:", line));
    }

    [Fact]
    public async Task ConfigWithoutASigningKeySaysWhatToSetAndExitsNonZero()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["config"], new Dictionary<string, string>
        {
            ["Auth__SigningKeys__0__Id"] = string.Empty,
            ["Auth__SigningKeys__0__Key"] = string.Empty,
        });

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("Auth:SigningKeys", outcome.StandardError);
        Assert.Contains("Set Auth__SigningKeys__0__Id and Auth__SigningKeys__0__Key", outcome.StandardError);
        Assert.DoesNotContain("   at ", outcome.Output);
    }
}
