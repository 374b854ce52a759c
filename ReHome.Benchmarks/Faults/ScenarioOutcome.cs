using System.Globalization;

namespace ReHome.Benchmarks.Faults;

/// <summary>One scenario's figures: tokens lost and shown twice over every client, and the runs' end states.</summary>
internal sealed record ScenarioOutcome(
    string Scenario,
    int Streams,
    int ClientStreams,
    int Lost,
    int Twice,
    int WrongText,
    int NotTerminal,
    int NotCompleted,
    int Late,
    int ToldOfReset,
    TimeSpan? LastTerminal,
    TimeSpan Budget,
    int Reconnects,
    int DroppedDuplicates,
    string Statuses,
    string Crashed,
    bool LosesData)
{
    /// <summary>0 lost, 0 twice, 0 wrong text, every run terminal in its budget, no crash; and every run completed — or, where Redis lost the runs, every client told.</summary>
    public bool MeetsGoal =>
        Lost == 0 && Twice == 0 && WrongText == 0 && NotTerminal == 0 && Late == 0 && Crashed == "-"
        && (LosesData ? ToldOfReset == ClientStreams : NotCompleted == 0);

    public static IReadOnlyList<string> Headers { get; } =
    [
        "scenario", "streams", "lost", "twice", "wrong text", "not terminal", "not completed", "late", "told of reset", "all ended after", "budget", "reconnects", "dups dropped", "exited by itself", "run statuses",
    ];

    public IReadOnlyList<string> Cells =>
    [
        Scenario,
        Number(Streams),
        Number(Lost),
        Number(Twice),
        $"{Number(WrongText)}/{Number(ClientStreams)}",
        Number(NotTerminal),
        Number(NotCompleted),
        Number(Late),
        $"{Number(ToldOfReset)}/{Number(ClientStreams)}",
        LastTerminal is { } last ? Seconds(last) : "never",
        Seconds(Budget),
        Number(Reconnects),
        Number(DroppedDuplicates),
        Crashed,
        Statuses,
    ];

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
