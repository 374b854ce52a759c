namespace ReHome.AppHost.Redis;

/// <summary>
/// The machine's own <c>redis-server</c>, run by the AppHost as an executable — for machines without
/// a container engine. Its connection string is <c>host:port</c> of its endpoint, like the container's.
/// </summary>
internal sealed class LocalRedisResource(string name, string executablePath, string dataDirectory)
    : ExecutableResource(name, executablePath, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
