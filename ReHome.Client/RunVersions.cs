using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>Run updates overtake each other (api and workers send them): keeps the highest <c>version</c> of each run.</summary>
internal sealed class RunVersions
{
    private readonly Dictionary<string, long> _versions = [];

    /// <summary>True when <paramref name="run"/> is newer than anything seen of it, and records it.</summary>
    public bool IsNewer(RunView run)
    {
        if (_versions.TryGetValue(run.Id, out var seen) && seen >= run.Version)
        {
            return false;
        }

        _versions[run.Id] = run.Version;
        return true;
    }
}
