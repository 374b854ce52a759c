namespace ReHome.Api.ApiDocs;

/// <summary>The problem-details answers several routes share, declared for the OpenAPI document.</summary>
internal static class ProblemResponses
{
    /// <summary>
    /// 401 without a valid bearer token — a token that names no user (no user id claim: <c>sub</c>, or
    /// <c>Auth:UserIdClaim</c> for an identity provider's) is not valid either.
    /// </summary>
    public static TBuilder ProducesAuthProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>
    /// A JSON body: 413 over <c>HttpHostingExtensions.MaxRequestBodyBytes</c>, 415 in a charset .NET does not
    /// know or not JSON at all (a body that cannot be read is a 400, which these routes declare already).
    /// </summary>
    public static TBuilder ProducesBodyProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
