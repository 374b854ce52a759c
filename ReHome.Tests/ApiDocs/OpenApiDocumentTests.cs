using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReHome.Streaming.Hubs;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.ApiDocs;

/// <summary>
/// <c>/openapi/v1.json</c> describes every REST route the api maps, with its method, its success answer and
/// the problem details it answers with; a route added without being described fails here.
/// </summary>
public sealed class OpenApiDocumentTests(AppFixture fixture) : IAsyncLifetime
{
    private const string DocumentPath = "/openapi/v1.json";

    /// <summary>What each route answers, as its handler and filters really do; every mapped route needs a row.</summary>
    private static readonly Dictionary<string, (int Success, int[] Problems, bool Bearer)> Expected = new()
    {
        ["POST /api/dev/token"] = (200, [400, 413, 415], false),
        ["GET /api/threads"] = (200, [400, 401], true),
        ["POST /api/threads"] = (201, [400, 401, 413, 415, 429], true),
        ["GET /api/threads/{threadId}"] = (200, [400, 401, 404, 429], true),
        ["POST /api/threads/{threadId}/runs"] = (202, [400, 401, 404, 409, 413, 415, 429], true),
        ["GET /api/threads/{threadId}/runs/{runId}"] = (200, [400, 401, 404, 429], true),
        ["POST /api/threads/{threadId}/runs/{runId}/cancel"] = (202, [400, 401, 404, 429], true),
        ["GET /api/threads/{threadId}/streams/{streamId}/tokens"] = (200, [400, 401, 404, 429], true),
        ["GET /health"] = (200, [], false),
        ["GET /alive"] = (200, [], false),
    };

    private ApiReplica _api = null!;

    public ValueTask InitializeAsync()
    {
        _api = ApiReplica.Start(ApiReplica.SettingsLike(fixture.RedisConnectionString));
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task EveryMappedRouteIsInTheDocumentWithItsMethodAndNothingElseIs()
    {
        using var document = await FetchAsync(_api.BaseAddress);
        using var applications = await FetchAsync(fixture.ApiEndpoint);

        var mapped = MappedRoutes();
        var documented = Operations(document.RootElement);

        Assert.Contains("GET /api/threads", mapped);
        Assert.Empty(mapped.Except(documented));   // mapped but not described
        Assert.Empty(documented.Except(mapped));   // described but not mapped
        Assert.Empty(mapped.Except(Expected.Keys)); // a new route needs its row in Expected
        Assert.Equal(mapped.Count, documented.Count);
        // The application's api (its own process under the AppHost) serves the same document.
        Assert.Equal(documented.Order(StringComparer.Ordinal), Operations(applications.RootElement).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EachRouteListsItsSuccessItsProblemResponsesAndTheBearerSchemeWhereItNeedsOne()
    {
        using var document = await FetchAsync(_api.BaseAddress);
        var root = document.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");

        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        foreach (var (route, (success, problems, bearer)) in Expected)
        {
            var operation = Operation(root, route);
            var responses = operation.GetProperty("responses");
            var problemCodes = responses.EnumerateObject()
                .Where(response => response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _))
                .Select(response => int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture));
            var security = operation.TryGetProperty("security", out var requirements)
                && requirements.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _));

            Assert.True(responses.TryGetProperty(success.ToString(System.Globalization.CultureInfo.InvariantCulture), out _), $"{route} lists no {success}");
            Assert.Equal(problems, problemCodes.Order());
            Assert.Equal(bearer, security);
            Assert.True(operation.TryGetProperty("summary", out _), $"{route} has no summary");
            Assert.True(operation.TryGetProperty("operationId", out _), $"{route} has no operationId");
        }
    }

    [Fact]
    public async Task TheListingsSchemaComesFromTheSourceGeneratedContractWithItsFieldsInCamelCase()
    {
        using var document = await FetchAsync(_api.BaseAddress);

        var schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ThreadListResponse");
        var properties = schema.GetProperty("properties").EnumerateObject().Select(property => property.Name);
        var required = schema.GetProperty("required").EnumerateArray().Select(name => name.GetString());

        Assert.Equal(["hasMore", "nextCursor", "threads"], properties.Order(StringComparer.Ordinal));
        // nextCursor is left out when null (WhenWritingNull): not required.
        Assert.Equal(["hasMore", "threads"], required.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheDocumentedAuthProblemsAreWhatTheApiAnswers()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TestTimeouts.Default };
        using var nobody = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TestTimeouts.Default };
        nobody.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenWithoutSubject());

        using var unauthorised = await anonymous.GetAsync("/api/threads", cancellation);
        using var namesNoUser = await nobody.GetAsync("/api/threads", cancellation);

        Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (unauthorised.StatusCode, unauthorised.Content.Headers.ContentType?.MediaType));
        // A token without a user id authenticates nobody (since identity providers: their user id claim is configurable).
        Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (namesNoUser.StatusCode, namesNoUser.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task ScalarIsServedInDevelopmentAndOnlyTheDocumentInProduction()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var production = ApiReplica.Start(ApiReplica.SettingsLike(fixture.RedisConnectionString), web => web.UseEnvironment("Production"));
        using var development = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TestTimeouts.Default };
        using var inProduction = new HttpClient { BaseAddress = production.BaseAddress, Timeout = TestTimeouts.Default };

        var page = await development.GetStringAsync("/scalar/", cancellation);
        using var script = await development.GetAsync("/scalar/scalar.js", cancellation);
        using var productionPage = await inProduction.GetAsync("/scalar/", cancellation);
        using var productionDocument = await FetchAsync(production.BaseAddress);

        Assert.Contains(DocumentPath.TrimStart('/'), page);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, productionPage.StatusCode);
        // Production maps no development token route, and its document says so.
        Assert.DoesNotContain("POST /api/dev/token", Operations(productionDocument.RootElement));
        Assert.Contains("GET /api/threads", Operations(productionDocument.RootElement));
    }

    /// <summary>Every REST route the replica maps, as "METHOD /pattern": not the hub, nor the document and Scalar's own endpoints.</summary>
    private List<string> MappedRoutes()
    {
        string[] framework = [HubPaths.Agent, "/openapi/", "/scalar"];
        return _api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => (Endpoint: endpoint, Path: Normalise(endpoint.RoutePattern.RawText ?? string.Empty)))
            .Where(route => !framework.Any(prefix => route.Path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            // Health checks answer any method; they are described as GET.
            .SelectMany(route => (route.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => $"{method} {route.Path}"))
            .Distinct()
            .ToList();
    }

    private static string Normalise(string pattern) => "/" + pattern.Trim('/');

    private static List<string> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();

    private static JsonElement Operation(JsonElement document, string route)
    {
        var (method, path) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        return document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
    }

    private static async Task<JsonDocument> FetchAsync(Uri api)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TestTimeouts.Default };
        using var response = await http.GetAsync(DocumentPath, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A token the api's key signs, for the right issuer and audience, that names no user (no <c>sub</c>).</summary>
    private static string TokenWithoutSubject() =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "rehome",
            Audience = "rehome",
            Subject = new ClaimsIdentity([new Claim("name", "nobody")]),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(TestSigningKeys.Primary)) { KeyId = TestSigningKeys.PrimaryId }, SecurityAlgorithms.HmacSha256),
        });

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();
}
