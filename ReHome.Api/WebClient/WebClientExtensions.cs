using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ReHome.Api.WebClient;

internal static class WebClientExtensions
{
    /// <summary>Where the browser client is served; pages and other front ends import exactly this.</summary>
    public const string ClientScriptPath = "/js/rehome-client.js";

    // The page talks only to its own origin: REST with fetch, the hub over a WebSocket.
    private const string PageContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddReHomeWebClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebClientOptions>()
            .BindConfiguration(WebClientOptions.SectionName)
            .PostConfigure(options => options.Enabled ??= builder.Environment.IsDevelopment());
        return builder;
    }

    /// <summary>
    /// Serves <c>wwwroot</c>: the browser client under <c>/js/</c> always, the live thread page at
    /// <c>/</c> only while <c>WebClient:Enabled</c>. Files are revalidated on every load (no-cache
    /// with ETags), so a rebuilt client is picked up at once.
    /// </summary>
    public static WebApplication UseReHomeWebClient(this WebApplication app)
    {
        var enabled = app.Services.GetRequiredService<IOptions<WebClientOptions>>().Value.Enabled is true;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebClientExtensions));
        if (!app.Environment.WebRootFileProvider.GetFileInfo(ClientScriptPath).Exists)
        {
            WebClientLog.ClientScriptMissing(logger, ClientScriptPath);
        }

        if (enabled)
        {
            WebClientLog.PageEnabled(logger);
        }

        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings[".map"] = "application/json";
        var staticFiles = new StaticFileOptions
        {
            ContentTypeProvider = contentTypes,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = PageContentSecurityPolicy;
                    headers[HeaderNames.XFrameOptions] = "DENY";
                }
            },
        };

        app.UseWhen(
            context => enabled || context.Request.Path.StartsWithSegments("/js"),
            branch => branch.UseDefaultFiles().UseStaticFiles(staticFiles));
        return app;
    }
}
