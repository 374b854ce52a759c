namespace ReHome.Worker.Ops;

/// <summary>
/// Where the API and the worker answer: an explicit <c>--api-url</c> / <c>--worker-url</c>, else service
/// discovery configuration (<c>services:api:http:0</c>, which the AppHost sets; https if no http).
/// </summary>
internal static class ServiceAddresses
{
    public static Uri? Find(IConfiguration configuration, string service, Uri? explicitAddress)
    {
        if (explicitAddress is not null)
        {
            return explicitAddress;
        }

        var configured = configuration[$"services:{service}:http:0"] ?? configuration[$"services:{service}:https:0"];
        return Uri.TryCreate(configured, UriKind.Absolute, out var address) ? address : null;
    }

    public static Uri RequireApi(IConfiguration configuration, Uri? explicitAddress) =>
        Find(configuration, "api", explicitAddress) ?? throw OpsFailure.Configuration(NotConfigured("api"));

    public static string NotConfigured(string service) =>
        $"the {service}'s address is not configured: pass --{service}-url http://host:port or set services__{service}__http__0";
}
