using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ReHome.Streaming.Auth;

/// <summary>
/// Refuses to start with signing keys that would make tokens forgeable or rotation impossible:
/// none at all, keys too short or not base64, duplicates, or a key equal to another secret of the
/// application (a Redis password, an API key) — the runbook's "unique key, not equal to APP_KEY".
/// </summary>
public sealed class AuthOptionsValidator(IConfiguration configuration, TimeProvider time) : IValidateOptions<AuthOptions>
{
    public const int MinimumKeyBytes = 32;

    private const string HowToSet =
        "Set Auth__SigningKeys__0__Id and Auth__SigningKeys__0__Key (base64 of at least 32 random bytes, for example from `openssl rand -base64 48`).";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add("Auth:Issuer and Auth:Audience must not be empty (both default to 'rehome').");
        }

        if (options.SigningKeys.Count == 0)
        {
            errors.Add($"Auth:SigningKeys: no signing key is configured. {HowToSet}");
            return ValidateOptionsResult.Fail(errors);
        }

        var otherSecrets = OtherSecrets().ToArray();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new List<byte[]>();
        for (var index = 0; index < options.SigningKeys.Count; index++)
        {
            var key = options.SigningKeys[index];
            var path = $"Auth:SigningKeys:{index}";
            if (!Ids.IsValid(key.Id))
            {
                errors.Add($"{path}:Id must be set and match {Ids.Pattern}.");
            }
            else if (!seenIds.Add(key.Id!))
            {
                errors.Add($"{path}:Id '{key.Id}' is used by another key; give each key its own id.");
            }

            if (SigningKeyRing.TryDecode(key.Key) is not { } bytes)
            {
                errors.Add($"{path}:Key is missing or not valid base64. {HowToSet}");
                continue;
            }

            if (bytes.Length < MinimumKeyBytes)
            {
                errors.Add($"{path}:Key decodes to {bytes.Length} bytes; at least {MinimumKeyBytes} are needed. {HowToSet}");
            }

            if (seenKeys.Any(seen => seen.AsSpan().SequenceEqual(bytes)))
            {
                errors.Add($"{path}:Key is the same as another signing key; every key must be unique.");
            }

            seenKeys.Add(bytes);
            foreach (var (secretPath, secret) in otherSecrets)
            {
                if (secret == key.Key || (SigningKeyRing.TryDecode(secret) is { } decoded && decoded.AsSpan().SequenceEqual(bytes)))
                {
                    errors.Add($"{path}:Key equals the secret {secretPath}; a signing key must be a secret of its own.");
                }
            }
        }

        if (errors.Count == 0 && options.SigningKeys.All(key => key.NotAfter is { } notAfter && notAfter <= time.GetUtcNow()))
        {
            errors.Add($"Auth:SigningKeys: every key has passed its NotAfter, so no token can be validated. Add a current key. {HowToSet}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Other secrets in configuration: passwords, API keys, tokens, and passwords inside connection strings.</summary>
    private IEnumerable<(string Path, string Value)> OtherSecrets()
    {
        foreach (var (path, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value) || path.StartsWith($"{AuthOptions.SectionName}:SigningKeys", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var leaf = path[(path.LastIndexOf(':') + 1)..];
            if (SecretNameParts.Any(part => leaf.Contains(part, StringComparison.OrdinalIgnoreCase)))
            {
                yield return (path, value);
            }

            if (path.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var option in value.Split(',', ';'))
                {
                    var separator = option.IndexOf('=', StringComparison.Ordinal);
                    if (separator > 0 && option[..separator].Trim().Equals("password", StringComparison.OrdinalIgnoreCase))
                    {
                        yield return ($"{path} (password)", option[(separator + 1)..].Trim());
                    }
                }
            }
        }
    }

    private static readonly string[] SecretNameParts = ["password", "secret", "apikey", "api_key", "token", "key"];
}
