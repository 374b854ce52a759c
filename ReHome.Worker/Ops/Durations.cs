using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ReHome.Worker.Ops;

/// <summary>Durations as operators type them (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>250ms</c>, or <c>00:10:00</c>) and as they read them.</summary>
internal static class Durations
{
    public static TimeSpan? Parse(string text)
    {
        text = text.Trim();
        (string Suffix, Func<double, TimeSpan> Unit)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes),
            ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays),
        ];
        foreach (var (suffix, unit) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0)
            {
                return unit(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }

    /// <summary>
    /// A duration option: <c>Option&lt;TimeSpan?&gt;</c> whose default is applied by the command (help
    /// shows it as written, <c>10m</c>, rather than as <c>00:10:00</c>).
    /// </summary>
    public static Option<TimeSpan?> Option(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} [default: {Format(defaultValue)}]",
        HelpName = "duration",
        CustomParser = ParseArgument,
    };

    private static TimeSpan? ParseArgument(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Parse(text) is { } duration)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration; write it like 90s, 10m, 2h, 1d or 00:10:00.");
        return null;
    }

    /// <summary>Short and rounded: <c>850ms</c>, <c>42s</c>, <c>3m 12s</c>, <c>2h 5m</c>, <c>1d 3h</c>.</summary>
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "-" + Format(-span);
        }

        return span switch
        {
            { Ticks: 0 } => "0s",
            { TotalSeconds: < 1 } => $"{span.TotalMilliseconds:0}ms",
            { TotalMinutes: < 1 } => $"{span.TotalSeconds:0}s",
            { TotalHours: < 1 } => Pair(span.Minutes, "m", span.Seconds, "s"),
            { TotalDays: < 1 } => Pair(span.Hours, "h", span.Minutes, "m"),
            _ => Pair((int)span.TotalDays, "d", span.Hours, "h"),
        };
    }

    private static string Pair(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0 ? $"{major}{majorUnit}" : $"{major}{majorUnit} {minor}{minorUnit}";
}
