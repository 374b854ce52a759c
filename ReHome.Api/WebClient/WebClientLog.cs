namespace ReHome.Api.WebClient;

internal static partial class WebClientLog
{
    [LoggerMessage(600, LogLevel.Information, "WebClient: the live thread page is served at /")]
    public static partial void PageEnabled(ILogger logger);

    [LoggerMessage(601, LogLevel.Warning, "WebClient: {Path} is missing from wwwroot; build ReHome.Api (its build bundles the browser client with npm) or run npm ci, then npm run build, in ReHome.Api/ClientApp")]
    public static partial void ClientScriptMissing(ILogger logger, string path);
}
