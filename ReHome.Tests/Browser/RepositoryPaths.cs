namespace ReHome.Tests.Browser;

/// <summary>Folders of the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string ClientApp => Path.Combine(Root, "ReHome.Api", "ClientApp");

    /// <summary>Where the test run writes screenshots: <c>TestResults/screenshots</c>, beside the TRX files.</summary>
    public static string Screenshots => Path.Combine(Root, "TestResults", "screenshots");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReHome.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ReHome.sln above {AppContext.BaseDirectory}.");
    }
}
