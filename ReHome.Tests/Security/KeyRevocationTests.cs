using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

public sealed class KeyRevocationTests(AppFixture fixture)
{
    [Fact]
    public async Task AHubConnectionSignedByAKeyThatPassesItsNotAfterIsClosedWhileOneWithTheCurrentKeyStaysOpen()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        // Both tokens are good for ten more minutes; only the key of one of them retires, a few seconds after the replica starts.
        var retiringToken = TestSigningKeys.Mint(alice.UserId, TestSigningKeys.Older, "retiring", DateTimeOffset.UtcNow.AddMinutes(10));
        var notAfter = DateTimeOffset.UtcNow.AddSeconds(8);
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Auth:SigningKeys:1:Id"] = "retiring";
        settings["Auth:SigningKeys:1:Key"] = TestSigningKeys.Older;
        settings["Auth:SigningKeys:1:NotAfter"] = notAfter.ToString("O");
        await using var api = ApiReplica.Start(settings);
        await using var retiring = alice.CreateHubConnection(api.BaseAddress, retiringToken);
        await using var current = alice.CreateHubConnection(api.BaseAddress);
        var retiringClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        retiring.Closed += _ => { retiringClosed.TrySetResult(); return Task.CompletedTask; };
        await retiring.StartAsync(TestContext.Current.CancellationToken);
        await current.StartAsync(TestContext.Current.CancellationToken);
        await retiring.InvokeAsync<SubscribeResult>("Subscribe", threadId, TestContext.Current.CancellationToken);

        await retiringClosed.Task.WaitAsync(notAfter - DateTimeOffset.UtcNow + TestTimeouts.Default, TestContext.Current.CancellationToken);
        var closedAt = DateTimeOffset.UtcNow;
        await current.InvokeAsync<SubscribeResult>("Subscribe", threadId, TestContext.Current.CancellationToken);

        // The ticket keeps its expiry to the whole second, rounded down (AuthenticationProperties stores it as
        // RFC 1123 text), and the hub checks it on its one-second heartbeat: so the connection closes between
        // the NotAfter's whole second and a heartbeat after the NotAfter.
        var notAfterSecond = DateTimeOffset.FromUnixTimeSeconds(notAfter.ToUnixTimeSeconds());
        Assert.True(closedAt >= notAfterSecond, $"closed at {closedAt:O}, before the key's NotAfter {notAfter:O} rounded down to its second");
        Assert.True(closedAt - notAfter < TimeSpan.FromSeconds(10), $"closed {closedAt - notAfter} after the key's NotAfter");
        Assert.Equal(HubConnectionState.Disconnected, retiring.State);
        Assert.Equal(HubConnectionState.Connected, current.State);
    }
}
