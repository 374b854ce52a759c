using System.Globalization;

namespace ReHome.Worker.Ops;

/// <summary>"1 stream", "2 streams": counts in the commands' sentences.</summary>
internal static class Counted
{
    public static string Of(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
