using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ReHome.Api.Http;

/// <summary>
/// A JSON request body must be readable text before any endpoint binds it: a charset .NET does not
/// know (<c>charset=bogus</c>) is 415, where the JSON reader would throw an
/// <see cref="InvalidOperationException"/> (a 500); and a UTF-8 body must be valid UTF-8 as a whole,
/// since System.Text.Json checks only the strings it keeps and skips unknown properties unread.
/// </summary>
internal sealed class JsonBodyEncodingCheck(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody is not true || !request.HasJsonContentType())
        {
            await next(context);
            return;
        }

        var charset = MediaTypeHeaderValue.Parse(request.ContentType).Charset;
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            if (!IsKnownEncoding(charset.Value!))
            {
                await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported charset", $"The charset '{charset}' is not a known encoding; send JSON as UTF-8.");
                return;
            }

            // Another known charset: ASP.NET transcodes it to UTF-8 as it reads.
            await next(context);
            return;
        }

        // The body is at most HttpHostingExtensions.MaxRequestBodyBytes: Kestrel answers 413 while this reads a larger one.
        var body = new MemoryStream();
        context.Response.RegisterForDispose(body);
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (!Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The request could not be read", "The body is not valid UTF-8.");
            return;
        }

        body.Position = 0;
        request.Body = body;
        await next(context);
    }

    private static bool IsKnownEncoding(string charset)
    {
        try
        {
            // The lookup the JSON reader makes (HttpRequestJsonExtensions); it throws for unknown names and UTF-7.
            _ = Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
