using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Auth;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

public sealed class SigningKeyValidationTests(AppFixture fixture)
{
    private static readonly string ShortKey = Convert.ToBase64String(new byte[31]);

    public static TheoryData<string, Dictionary<string, string?>, string> BadSettings => new()
    {
        { "no key", new(), "no signing key is configured" },
        { "short key", Keys(("k1", ShortKey)), "decodes to 31 bytes; at least 32" },
        { "not base64", Keys(("k1", "this is not base64!")), "not valid base64" },
        { "same key twice", Keys(("k1", TestSigningKeys.Older), ("k2", TestSigningKeys.Older)), "same as another signing key" },
        { "same id twice", Keys(("k1", TestSigningKeys.Older), ("k1", TestSigningKeys.Unknown)), "used by another key" },
        {
            "equals the Redis password",
            With(Keys(("k1", TestSigningKeys.Older)), ("ConnectionStrings:redis", $"localhost:6379,password={TestSigningKeys.Older}")),
            "equals the secret ConnectionStrings:redis (password)"
        },
        {
            "equals an API key",
            With(Keys(("k1", TestSigningKeys.Older)), ("Agent:OpenAI:ApiKey", TestSigningKeys.Older)),
            "equals the secret Agent:OpenAI:ApiKey"
        },
        {
            "every key retired",
            With(Keys(("k1", TestSigningKeys.Older)), ("Auth:SigningKeys:0:NotAfter", "2020-01-01T00:00:00Z")),
            "every key has passed its NotAfter"
        },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void BadSigningKeysAreRefusedWithAMessageSayingWhatToFix(string why, Dictionary<string, string?> settings, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();

        var result = new AuthOptionsValidator(configuration, TimeProvider.System).Validate(null, options);

        Assert.True(result.Failed, why);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void GoodSigningKeysPass()
    {
        var settings = With(Keys(("current", TestSigningKeys.Primary), ("older", TestSigningKeys.Older)), ("ConnectionStrings:redis", "localhost:6379,password=other"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var result = new AuthOptionsValidator(configuration, TimeProvider.System).Validate(null, configuration.GetSection("Auth").Get<AuthOptions>()!);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void TheApiDoesNotStartWithoutASigningKeyAndSaysWhatToSet()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings.Remove("Auth:SigningKeys:0:Id");
        settings.Remove("Auth:SigningKeys:0:Key");

        var error = Assert.Throws<OptionsValidationException>(() => ApiReplica.Start(settings).Dispose());

        Assert.Contains("Auth__SigningKeys__0__Key", error.Message);
    }

    private static Dictionary<string, string?> Keys(params (string Id, string Key)[] keys)
    {
        var settings = new Dictionary<string, string?>();
        for (var index = 0; index < keys.Length; index++)
        {
            settings[$"Auth:SigningKeys:{index}:Id"] = keys[index].Id;
            settings[$"Auth:SigningKeys:{index}:Key"] = keys[index].Key;
        }

        return settings;
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string Value)[] more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
