namespace ReHome.Worker.Ops;

/// <summary>A table as plain aligned columns: a title line, a header line, one line per row.</summary>
internal static class PlainTable
{
    public static void Write(TextWriter output, string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        output.WriteLine(title);
        if (rows.Count == 0)
        {
            return;
        }

        var widths = headers.Select((header, column) => rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        output.WriteLine(Format(headers.Select(header => header.ToUpperInvariant()).ToArray(), widths));
        foreach (var row in rows)
        {
            output.WriteLine(Format(row, widths));
        }
    }

    private static string Format(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, column) => column == cells.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd();
}
