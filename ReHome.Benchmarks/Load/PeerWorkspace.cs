using System.Diagnostics;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// A temp copy of perfpeer (the socket.io peer; the original is read-only) with its node_modules
/// installed by <c>npm ci</c>, and ReHome's load client copied over its <c>client.js</c>: the peer's
/// run.js forks it for socket.io and the benchmark starts it for ReHome, so both stacks are measured
/// by the same client processes, which find <c>socket.io-client</c> and <c>@microsoft/signalr</c> there.
/// </summary>
internal sealed class PeerWorkspace
{
    private PeerWorkspace(string directory) => Directory = directory;

    public string Directory { get; }

    public string ClientScript => Path.Combine(Directory, "client.js");

    public static async Task<PeerWorkspace> PrepareAsync(string source, string workDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(source, "run.js")))
        {
            throw new DirectoryNotFoundException($"perfpeer not found at {source} (no run.js): pass --perfpeer <folder>");
        }

        var directory = System.IO.Directory.CreateDirectory(Path.Combine(workDirectory, "perfpeer")).FullName;
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "node_modules" or "results" or "run")
            {
                continue;
            }

            var target = Path.Combine(directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            File.SetAttributes(target, FileAttributes.Normal);
        }

        File.Copy(Path.Combine(ServiceBuild.RepositoryRoot(), "ReHome.Benchmarks", "Load", "client.js"), Path.Combine(directory, "client.js"), overwrite: true);
        Console.WriteLine($"perfpeer copy: {directory} (npm ci …)");
        using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel", "error"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start npm");
        var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {directory} failed:{Environment.NewLine}{await output}{await error}");
        }

        return new PeerWorkspace(directory);
    }
}
