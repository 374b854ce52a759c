using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ReHome.Streaming.Auth;

/// <summary>
/// Refuses to start with identity-provider settings that cannot work or would weaken validation: an
/// Authority that is not an absolute http(s) address, metadata over plain HTTP outside Development,
/// an empty audience or user id claim, a key refresh interval under a second.
/// </summary>
public sealed class IdentityProviderOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public static readonly TimeSpan MinimumKeyRefreshInterval = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (!options.RequireHttpsMetadata && !environment.IsDevelopment())
        {
            errors.Add(
                $"Auth:RequireHttpsMetadata is false in the {environment.EnvironmentName} environment: the provider's keys would be fetched over plain HTTP, "
                + "where anyone on the path can replace them. Remove Auth__RequireHttpsMetadata (it defaults to true) and give Auth__Authority an https:// address; false is allowed only in Development.");
        }

        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"Auth:Authority '{options.Authority}' is not an absolute https:// address. Set Auth__Authority to the provider's issuer address, for example https://login.microsoftonline.com/<tenant-id>/v2.0.");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && options.RequireHttpsMetadata)
        {
            errors.Add($"Auth:Authority '{options.Authority}' is http://, but Auth:RequireHttpsMetadata is true: the provider's keys must come over HTTPS. Give Auth__Authority an https:// address (in Development only, Auth__RequireHttpsMetadata=false allows http://).");
        }

        if (options.ProviderAudiences().Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Auth:Audiences has an empty entry: set each Auth__Audiences__N to an audience the provider writes into tokens for this API (its application id URI or client id), or leave Auth:Audiences out to use Auth:Audience.");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaim))
        {
            errors.Add("Auth:UserIdClaim is empty: set it to the claim that identifies a user in the provider's tokens (sub by default; oid for Entra ID across applications).");
        }

        if (options.KeyRefreshInterval < MinimumKeyRefreshInterval)
        {
            errors.Add($"Auth:KeyRefreshInterval is {options.KeyRefreshInterval}; it must be at least {MinimumKeyRefreshInterval} (default 00:01:00).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
