namespace ReHome.Streaming.Hubs;

/// <summary>Where the hubs are mapped.</summary>
public static class HubPaths
{
    public const string Agent = Contracts.HubContract.Path;
}
