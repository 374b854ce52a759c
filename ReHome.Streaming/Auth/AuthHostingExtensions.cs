using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ReHome.Streaming.Auth;

public static class AuthHostingExtensions
{
    /// <summary>
    /// The signing keys and the identity provider's settings (validated at start: the process stops
    /// with a message saying what to set) and the token issuer built on the keys.
    /// </summary>
    public static TBuilder AddReHomeSigningKeys<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .PostConfigure(options => options.DevTokens.Enabled ??= builder.Environment.IsDevelopment())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<AuthOptions>, IdentityProviderOptionsValidator>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<AccessTokenIssuer>();
        return builder;
    }
}
