using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Auth;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

public sealed class IdentityProviderValidationTests(AppFixture fixture)
{
    public static TheoryData<string, string, Dictionary<string, string?>, string> BadSettings => new()
    {
        {
            "plain-HTTP metadata outside Development", Environments.Production,
            new() { ["Auth:Authority"] = "https://login.example.com/tenant/v2.0", ["Auth:RequireHttpsMetadata"] = "false" },
            "Auth:RequireHttpsMetadata is false in the Production environment"
        },
        {
            "an http:// Authority while HTTPS is required", Environments.Production,
            new() { ["Auth:Authority"] = "http://login.example.com/tenant/v2.0" },
            "is http://, but Auth:RequireHttpsMetadata is true"
        },
        {
            "an http:// Authority while HTTPS is required, in Development too", Environments.Development,
            new() { ["Auth:Authority"] = "http://localhost:8080/realms/rehome" },
            "is http://, but Auth:RequireHttpsMetadata is true"
        },
        { "a relative Authority", Environments.Production, new() { ["Auth:Authority"] = "login.example.com" }, "is not an absolute https:// address" },
        {
            "an empty user id claim", Environments.Production,
            new() { ["Auth:Authority"] = "https://login.example.com/tenant/v2.0", ["Auth:UserIdClaim"] = " " },
            "Auth:UserIdClaim is empty"
        },
        {
            "a key refresh interval under a second", Environments.Production,
            new() { ["Auth:Authority"] = "https://login.example.com/tenant/v2.0", ["Auth:KeyRefreshInterval"] = "00:00:00.100" },
            "Auth:KeyRefreshInterval is 00:00:00.1000000"
        },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void BadProviderSettingsAreRefusedWithAMessageSayingWhatToFix(string why, string environment, Dictionary<string, string?> settings, string message)
    {
        var result = Validate(environment, settings);

        Assert.True(result.Failed, why);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void PlainHttpMetadataIsAllowedInDevelopmentAndNoAuthorityNeedsNothing()
    {
        var local = Validate(Environments.Development, new() { ["Auth:Authority"] = "http://localhost:8080/realms/rehome", ["Auth:RequireHttpsMetadata"] = "false" });
        var none = Validate(Environments.Production, []);
        var https = Validate(Environments.Production, new() { ["Auth:Authority"] = "https://login.example.com/tenant/v2.0", ["Auth:Audiences:0"] = "api://rehome" });

        Assert.True(local.Succeeded, local.FailureMessage);
        Assert.True(none.Succeeded, none.FailureMessage);
        Assert.True(https.Succeeded, https.FailureMessage);
    }

    [Fact]
    public void TheApiDoesNotStartWithPlainHttpMetadataOutsideDevelopment()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Auth:Authority"] = "http://127.0.0.1:9/realms/rehome";
        settings["Auth:RequireHttpsMetadata"] = "false";

        var error = Assert.Throws<OptionsValidationException>(
            () => ApiReplica.Start(settings, host => host.UseEnvironment(Environments.Production)).Dispose());

        Assert.Contains("Auth:RequireHttpsMetadata is false in the Production environment", error.Message);
        Assert.Contains("allowed only in Development", error.Message);
    }

    [Fact]
    public void TheApiDoesNotStartWithAnHttpAuthorityWhileHttpsIsRequired()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Auth:Authority"] = "http://127.0.0.1:9/realms/rehome";

        var error = Assert.Throws<OptionsValidationException>(() => ApiReplica.Start(settings).Dispose());

        Assert.Contains("Give Auth__Authority an https:// address", error.Message);
    }

    private static ValidateOptionsResult Validate(string environment, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        return new IdentityProviderOptionsValidator(new HostingEnvironment { EnvironmentName = environment }).Validate(null, options);
    }
}
