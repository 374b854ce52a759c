namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Runs the built AppHost as its own process, as <c>dotnet run --project ReHome.AppHost</c> would,
/// for what only a whole process shows: publishing a manifest, failing at start-up.
/// </summary>
public static class AppHostProcess
{
    public static string ExecutablePath => BuiltProcess.ExecutablePath(Projects.ReHome_AppHost.ProjectPath, "ReHome.AppHost");

    public static Task<BuiltProcess.Outcome> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        BuiltProcess.RunAsync(
            ExecutablePath, BuiltProcess.ProjectDirectory(Projects.ReHome_AppHost.ProjectPath), arguments, environment, timeout, cancellationToken);
}
