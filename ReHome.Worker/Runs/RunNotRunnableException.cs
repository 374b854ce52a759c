using ReHome.Streaming.Runs;

namespace ReHome.Worker.Runs;

/// <summary>An attempt could not start: the run finished meanwhile, vanished, or used up its attempts.</summary>
internal sealed class RunNotRunnableException(RunStore.AttemptStart attempt)
    : InvalidOperationException($"The run cannot start another attempt: {attempt.Outcome} after {attempt.Attempts} attempts.")
{
    public RunStore.AttemptStart Attempt { get; } = attempt;
}
