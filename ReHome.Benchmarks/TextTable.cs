namespace ReHome.Benchmarks;

/// <summary>A plain-text table: columns padded to their widest cell, the first left-aligned, the rest right-aligned.</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToArray();
        var widths = Enumerable.Range(0, headers.Count).Select(column => all.Max(row => row[column].Length)).ToArray();
        var lines = all.Select(row => string.Join("  ", row.Select((cell, column) => column == 0 ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]))).TrimEnd());
        var rule = new string('-', widths.Sum() + (2 * (widths.Length - 1)));
        return string.Join(Environment.NewLine, lines.Take(1).Append(rule).Concat(lines.Skip(1)));
    }
}
