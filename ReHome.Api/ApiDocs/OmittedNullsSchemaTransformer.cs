using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReHome.Api.ApiDocs;

/// <summary>
/// The API leaves null fields out of its JSON (<c>DefaultIgnoreCondition = WhenWritingNull</c> in its
/// source-generated contexts), so a property that may be null is not required: it may be absent.
/// </summary>
internal sealed class OmittedNullsSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Properties is { } properties && schema.Required is { Count: > 0 } required)
        {
            foreach (var (name, property) in properties)
            {
                if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                {
                    required.Remove(name);
                }
            }
        }

        return Task.CompletedTask;
    }
}
