using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Runs the built AppHost as its own process, as <c>dotnet run --project ReHome.AppHost</c> would,
/// for what only a whole process shows: publishing a manifest, failing at start-up.
/// </summary>
public static class AppHostProcess
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError);

    private static string ProjectDirectory =>
        Directory.Exists(Projects.ReHome_AppHost.ProjectPath)
            ? Projects.ReHome_AppHost.ProjectPath
            : Path.GetDirectoryName(Projects.ReHome_AppHost.ProjectPath)!;

    public static string ExecutablePath
    {
        get
        {
            var projectDirectory = ProjectDirectory;
            // The tests and the AppHost are built with the same configuration (bin/<Configuration>/net10.0).
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(projectDirectory, "bin", configuration, "net10.0", "ReHome.AppHost");
        }
    }

    public static async Task<Outcome> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ExecutablePath, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ProjectDirectory,
        };
        // The native launcher finds the runtime through DOTNET_ROOT even when PATH is emptied.
        start.Environment["DOTNET_ROOT"] = DotnetRoot();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {ExecutablePath}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the AppHost did not exit within {timeout}: {await output}{await error}");
        }

        return new Outcome(process.ExitCode, await output, await error);
    }

    private static string DotnetRoot() =>
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ → .../dotnet
        new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Parent!.Parent!.Parent!.FullName;
}
