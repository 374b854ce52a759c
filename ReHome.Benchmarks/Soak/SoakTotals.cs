using ReHome.Benchmarks.Clients;

namespace ReHome.Benchmarks.Soak;

/// <summary>What the soak's clients showed, summed over every run checked so far (thread-safe).</summary>
internal sealed class SoakTotals
{
    private readonly object _gate = new();

    public int RunsEnded { get; private set; }

    public int RunsNotCompleted { get; private set; }

    public int RunsNotTerminal { get; private set; }

    public int Lost { get; private set; }

    public int Twice { get; private set; }

    public int WrongText { get; private set; }

    public long TokensShown { get; private set; }

    public void Add(bool terminal, bool completed, IEnumerable<(StreamVerdict Verdict, int Shown)> clients)
    {
        lock (_gate)
        {
            RunsEnded += terminal ? 1 : 0;
            RunsNotTerminal += terminal ? 0 : 1;
            RunsNotCompleted += terminal && !completed ? 1 : 0;
            foreach (var (verdict, shown) in clients)
            {
                Lost += verdict.Lost;
                Twice += verdict.Twice;
                WrongText += verdict.WrongText ? 1 : 0;
                TokensShown += shown;
            }
        }
    }
}
