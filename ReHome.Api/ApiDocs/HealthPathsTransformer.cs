using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReHome.Api.ApiDocs;

/// <summary>
/// Adds <c>/health</c> and <c>/alive</c> (ServiceDefaults' health checks, which are not route handlers
/// and so are not described by their metadata) to the document.
/// </summary>
internal sealed class HealthPathsTransformer : IOpenApiDocumentTransformer
{
    public const string Tag = "Health";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Paths[ServiceDefaultsExtensions.HealthEndpointPath] = PathOf(
            "GetHealth",
            "Health of the api and its dependencies",
            "200 while healthy (status ok) or degraded (status degraded, an alert is over its threshold); 503 (status down) when a dependency such as Redis is down. In Development the body also carries each check with its reason.",
            document,
            canBeDown: true);
        document.Paths[ServiceDefaultsExtensions.AlivenessEndpointPath] = PathOf(
            "GetAlive",
            "Liveness of the process",
            "200 while the process runs.",
            document,
            canBeDown: false);
        return Task.CompletedTask;
    }

    private static OpenApiPathItem PathOf(string operationId, string summary, string description, OpenApiDocument document, bool canBeDown)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Description = description,
            Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
            Responses = new OpenApiResponses
            {
                ["200"] = Response("ok or degraded", ["ok", "degraded"]),
            },
        };
        if (canBeDown)
        {
            operation.Responses["503"] = Response("down", ["down"]);
        }

        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = Tag });
        var path = new OpenApiPathItem();
        path.AddOperation(HttpMethod.Get, operation);
        return path;
    }

    private static OpenApiResponse Response(string description, string[] statuses) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "status" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. statuses.Select(status => (JsonNode)status)] },
                    },
                },
            },
        },
    };
}
