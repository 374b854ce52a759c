namespace ReHome.Worker.Ops;

/// <summary>Turns an exception chain into one readable line: the outer message and, if it says more, the innermost.</summary>
internal static class OpsErrors
{
    public static string Reason(Exception exception)
    {
        var outer = OneLine(exception.Message);
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var innermost = OneLine(inner.Message);
        return ReferenceEquals(inner, exception) || outer.Contains(innermost, StringComparison.Ordinal) ? outer : $"{outer}: {innermost}";
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
