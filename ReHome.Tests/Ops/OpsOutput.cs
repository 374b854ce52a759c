using System.Text.RegularExpressions;

namespace ReHome.Tests.Ops;

/// <summary>Reads the CLI's plain output (redirected, so no colours or boxes): the rows of its tables.</summary>
internal static partial class OpsOutput
{
    /// <summary>The state column of a <c>status</c> row: OK, DEGRADED, DOWN or - (not configured).</summary>
    public static string StateOf(string output, string part) =>
        Regex.Match(output, $@"^{part}\s+(\S+)\s", RegexOptions.Multiline) is { Success: true } row
            ? row.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"no row for {part} in:{Environment.NewLine}{output}");

    /// <summary>The whole <c>status</c> row of a part.</summary>
    public static string RowOf(string output, string part) =>
        output.Split('\n').FirstOrDefault(line => line.StartsWith(part + " ", StringComparison.Ordinal))?.Trim() ?? string.Empty;

    /// <summary>Up is OK or DEGRADED: other tests may trip an alert threshold (a stuck stream) at any time.</summary>
    public static bool IsUp(string state) => state is "OK" or "DEGRADED";
}
