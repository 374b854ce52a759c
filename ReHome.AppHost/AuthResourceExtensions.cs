namespace ReHome.AppHost;

internal static class AuthResourceExtensions
{
    /// <summary>
    /// The key that signs and validates access tokens: generated once (64 base64-alphabet characters,
    /// 48 bytes decoded), kept in the AppHost's user secrets, and given to every service that needs it.
    /// Deployments supply their own (<c>Parameters:auth-signing-key</c>).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSigningKey(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    public static IResourceBuilder<ProjectResource> WithSigningKey(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> key) =>
        project
            .WithEnvironment("Auth__SigningKeys__0__Id", key.Resource.Name)
            .WithEnvironment("Auth__SigningKeys__0__Key", key);
}
