namespace ReHome.Worker.Runs;

/// <summary>Redis no longer has the run being written (a flush, a restore without it): there is nothing to resume or restart.</summary>
internal sealed class RunDataLostException(string runId) : Exception($"Redis lost run {runId} while it was being written.")
{
    public string RunId { get; } = runId;
}
