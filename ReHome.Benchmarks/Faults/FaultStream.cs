using ReHome.Benchmarks.Clients;
using ReHome.Contracts;

namespace ReHome.Benchmarks.Faults;

/// <summary>One run of a scenario: its thread, the clients watching it, and when REST first reported it terminal.</summary>
internal sealed class FaultStream(int index, string threadId, IReadOnlyList<ThreadWatcher> clients)
{
    public int Index { get; } = index;

    public string ThreadId { get; } = threadId;

    public IReadOnlyList<ThreadWatcher> Clients { get; } = clients;

    public RunView? Run { get; set; }

    /// <summary>The run's last status REST reported; <c>missing</c> when it answered 404, <c>unknown</c> when no api answered.</summary>
    public string Status { get; set; } = "unknown";

    public long LastSeq { get; set; }

    public TimeSpan? TerminalAfter { get; set; }
}
