using Microsoft.AspNetCore.Diagnostics;

namespace ReHome.Api.Http;

/// <summary>
/// A request the server could not read — malformed JSON, a body over the size limit, a connection
/// cut mid-body — is the client's error: answer with its 4xx status as problem details, never a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        context.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode, Title = "The request could not be read", Detail = badRequest.Message },
        });
    }
}
