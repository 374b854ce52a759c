using Spectre.Console;

namespace ReHome.Worker.Ops;

/// <summary>
/// Where commands write. In a terminal: colours, tables and progress bars (Spectre.Console). When
/// output is redirected (a pipe, a file, the dashboard's command runner): plain lines, no escape
/// codes, no wrapping, so the output reads the same in a log and greps well. Errors go to stderr.
/// </summary>
internal sealed class OpsConsole
{
    private readonly IAnsiConsole? _errors;

    private OpsConsole(bool rich)
    {
        IsRich = rich;
        _errors = rich ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : null;
    }

    public bool IsRich { get; }

    public static OpsConsole Create() => new(!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi);

    public void Line(string text) => Write(text, style: null);

    public void Heading(string text) => Write(text, "bold");

    public void Success(string text) => Write(text, "green");

    public void Warning(string text) => Write(text, "yellow");

    public void Error(string text)
    {
        if (_errors is null)
        {
            Console.Error.WriteLine(text);
        }
        else
        {
            _errors.MarkupLine($"[red]{Markup.Escape(text)}[/]");
        }
    }

    /// <summary>A table; <paramref name="stateColumn"/> (if any) is coloured by its word: OK, DEGRADED, DOWN.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int? stateColumn = null)
    {
        if (!IsRich)
        {
            PlainTable.Write(Console.Out, title, headers, rows);
            return;
        }

        var table = new Table { Title = new TableTitle(Markup.Escape(title), new Style(decoration: Decoration.Bold)) }.RoundedBorder();
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select((cell, index) => index == stateColumn
                ? $"[{StateStyle(cell)}]{Markup.Escape(cell)}[/]"
                : Markup.Escape(cell)).ToArray());
        }

        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Runs <paramref name="work"/> under progress bars, one per label, each out of <paramref name="total"/>;
    /// work reports through <c>report(barIndex, value)</c>. Without a terminal there are no bars.
    /// </summary>
    public async Task ProgressAsync(IReadOnlyList<string> labels, double total, Func<Action<int, double>, Task> work)
    {
        if (!IsRich)
        {
            await work((_, _) => { });
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = labels.Select(label => context.AddTask(Markup.Escape(label), maxValue: total)).ToArray();
                await work((index, value) => bars[index].Value = value);
            });
    }

    private void Write(string text, string? style)
    {
        if (!IsRich)
        {
            Console.Out.WriteLine(text);
        }
        else
        {
            AnsiConsole.MarkupLine(style is null ? Markup.Escape(text) : $"[{style}]{Markup.Escape(text)}[/]");
        }
    }

    private static string StateStyle(string state) => state switch
    {
        PartState.Ok => "green",
        PartState.Degraded => "yellow",
        PartState.Down => "red bold",
        _ => "grey",
    };
}

/// <summary>The words a check reports, in every output mode.</summary>
internal static class PartState
{
    public const string Ok = "OK";
    public const string Degraded = "DEGRADED";
    public const string Down = "DOWN";
    public const string NotConfigured = "-";
}
