using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ReHome.Streaming.Paging;

namespace ReHome.Api.Http;

/// <summary>The paging parameters of a listing (a page size and a cursor this API returned); anything else is a 400.</summary>
internal static class PageQuery
{
    /// <summary>The page size in <paramref name="text"/>, or <paramref name="defaultLimit"/> when absent; a problem when it is not 1 to <paramref name="maxLimit"/>.</summary>
    public static ValidationProblem? TryReadLimit(string? text, string name, int defaultLimit, int maxLimit, out int limit)
    {
        limit = defaultLimit;
        return text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 && limit <= maxLimit)
            ? null
            : ApiProblems.Invalid(name, $"must be a whole number from 1 to {maxLimit}");
    }

    /// <summary>The cursor in <paramref name="text"/> (null when absent); a problem when it is not one this API returned as <paramref name="returnedAs"/>.</summary>
    public static ValidationProblem? TryReadCursor(string? text, string name, string returnedAs, out CreationCursor? cursor)
    {
        cursor = null;
        if (text is null)
        {
            return null;
        }

        if (!CreationCursor.TryParse(text, out var parsed))
        {
            return ApiProblems.Invalid(name, $"must be a {returnedAs} this API returned");
        }

        cursor = parsed;
        return null;
    }
}
