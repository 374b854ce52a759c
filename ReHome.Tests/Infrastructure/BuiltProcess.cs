using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Runs a project's build output as its own process (bin/&lt;Configuration&gt;/net10.0/&lt;name&gt;), as
/// <c>dotnet run --project</c> would, and collects its exit code and output.
/// </summary>
public static class BuiltProcess
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => StandardOutput + StandardError;

        public override string ToString() => $"exit code {ExitCode}{Environment.NewLine}{StandardOutput}{StandardError}";
    }

    /// <summary>The project's directory, from a project path that names either the folder or the .csproj.</summary>
    public static string ProjectDirectory(string projectPath) =>
        Directory.Exists(projectPath) ? projectPath : Path.GetDirectoryName(projectPath)!;

    public static string ExecutablePath(string projectPath, string executableName)
    {
        // The tests and the projects are built with the same configuration (bin/<Configuration>/net10.0).
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(ProjectDirectory(projectPath), "bin", configuration, "net10.0", executableName);
    }

    public static async Task<Outcome> RunAsync(
        string executablePath,
        string workingDirectory,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executablePath, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        // The native launcher finds the runtime through DOTNET_ROOT even when PATH is emptied.
        start.Environment["DOTNET_ROOT"] = DotnetRoot();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executablePath}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executablePath)} did not exit within {timeout}: {await output}{await error}");
        }

        return new Outcome(process.ExitCode, await output, await error);
    }

    private static string DotnetRoot() =>
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ → .../dotnet
        new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Parent!.Parent!.Parent!.FullName;
}
