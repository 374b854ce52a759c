using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ReHome.Api.ApiDocs;

internal static class ApiDocsExtensions
{
    /// <summary>The OpenAPI document's name; it is served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the browsable reference (Scalar) is served in Development.</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>
    /// The OpenAPI document of the REST routes, built from their metadata (each route's summary, its
    /// success type and the problem details it answers with), plus the bearer scheme and <c>/health</c>, <c>/alive</c>.
    /// </summary>
    public static IHostApplicationBuilder AddReHomeApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ReHome API",
                    Version = DocumentName,
                    Description = "REST routes of ReHome. Tokens stream over the SignalR hub /hubs/agent, which this document does not describe; the whole public interface is docs/CONTRACT.md.",
                };
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddDocumentTransformer<HealthPathsTransformer>();
            options.AddSchemaTransformer<OmittedNullsSchemaTransformer>();
        });
        return builder;
    }

    /// <summary>
    /// The document at <c>/openapi/v1.json</c> in every environment (a gateway or a client generator may
    /// read it; it holds nothing the contract does not publish), and Scalar at <c>/scalar</c> in Development only.
    /// </summary>
    public static WebApplication MapReHomeApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("ReHome API")
                .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName));
        }

        return app;
    }
}
