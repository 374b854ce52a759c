using Microsoft.Extensions.DependencyInjection;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Ops;

/// <summary>
/// Flushing the application's database would pull the data from under every other test, so these
/// flush scratch databases of the same Redis (9 and 10; the application uses 0) and check that the
/// application's database is untouched. They run one after another (one class).
/// </summary>
public sealed class FlushTests(AppFixture fixture) : IAsyncLifetime
{
    private readonly string _marker = $"flush-test-{Guid.NewGuid():N}";
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await _redis.GetDatabase(0).StringSetAsync(_marker, "the application's", TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task FlushDeletesEveryKeyOfTheConnectionsDatabaseAndNoOther()
    {
        await _redis.GetDatabase(9).StringSetAsync(_marker, "scratch");

        var outcome = await OpsCli.RunAsync(fixture, ["flush", "--yes"],
            new Dictionary<string, string> { ["ConnectionStrings__redis"] = $"{fixture.RedisConnectionString},defaultDatabase=9" });

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Matches(@"Flushed Redis database 9: 1 key deleted\.", outcome.StandardOutput);
        Assert.False(await _redis.GetDatabase(9).KeyExistsAsync(_marker));
        Assert.True(await _redis.GetDatabase(0).KeyExistsAsync(_marker));
    }

    [Theory]
    [InlineData("Production", true, 1, "flush is for development only, and this is Production; nothing was deleted.")]
    [InlineData("Development", false, 2, "flush deletes every key in Redis database 9; pass --yes to confirm. Nothing was deleted.")]
    public async Task FlushIsRefusedOutsideDevelopmentAndWithoutConfirmation(string environment, bool confirmed, int exitCode, string message)
    {
        await _redis.GetDatabase(9).StringSetAsync(_marker, "scratch");

        var outcome = await OpsCli.RunAsync(fixture, ["flush", "--database", "9", .. confirmed ? new[] { "--yes" } : []],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment, ["DOTNET_ENVIRONMENT"] = environment });

        Assert.Equal(exitCode, outcome.ExitCode);
        Assert.Equal(message, outcome.StandardError.Trim());
        Assert.True(await _redis.GetDatabase(9).KeyExistsAsync(_marker));
        await _redis.GetDatabase(9).KeyDeleteAsync(_marker);
    }

    [Fact]
    public async Task TheDashboardOffersFlushInDevelopmentWithAConfirmationAndItFlushesTheDatabaseItIsGiven()
    {
        var worker = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == "worker");
        var flush = worker.Annotations.OfType<ResourceCommandAnnotation>().Single(command => command.Name == "ops-flush-redis");
        Assert.Contains("Delete every key", flush.ConfirmationMessage);
        await _redis.GetDatabase(10).StringSetAsync(_marker, "scratch");

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(
                "worker",
                "ops-flush-redis",
                new InteractionInputCollection([new InteractionInput { Name = "database", InputType = InputType.Number, Value = "10" }]),
                TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Recovery);

        Assert.True(result.Success, $"{result.Message}{Environment.NewLine}{result.Data?.Value}");
        Assert.Matches(@"^Flushed Redis database 10: 1 key deleted\.$", result.Message);
        Assert.False(await _redis.GetDatabase(10).KeyExistsAsync(_marker));
        Assert.True(await _redis.GetDatabase(0).KeyExistsAsync(_marker));
    }

    [Fact]
    public async Task OutsideDevelopmentTheDashboardDoesNotOfferFlushButOffersTheOtherCommands()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var production = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            ["--Redis:Mode=external", $"--ConnectionStrings:redis={fixture.RedisConnectionString}"],
            (_, settings) => settings.EnvironmentName = "Production",
            cancellation);

        var worker = production.Resources.Single(resource => resource.Name == "worker");
        var commands = worker.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.Name).ToArray();

        Assert.Equal("Production", production.Environment.EnvironmentName);
        Assert.Subset(commands.ToHashSet(), new HashSet<string> { "ops-smoke", "ops-reap", "ops-cleanup" });
        Assert.DoesNotContain("ops-flush-redis", commands);
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.GetDatabase(0).KeyDeleteAsync(_marker);
        await _redis.DisposeAsync();
    }
}
