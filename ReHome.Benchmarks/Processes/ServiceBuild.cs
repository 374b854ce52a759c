using System.Diagnostics;

namespace ReHome.Benchmarks.Processes;

/// <summary>Builds ReHome.Api and ReHome.Worker once in Release and finds their output, to start them as plain processes.</summary>
internal static class ServiceBuild
{
    public sealed record Outputs(string ApiDirectory, string WorkerDirectory)
    {
        public string ApiAssembly => Path.Combine(ApiDirectory, "ReHome.Api.dll");

        public string WorkerAssembly => Path.Combine(WorkerDirectory, "ReHome.Worker.dll");
    }

    public static async Task<Outputs> BuildAsync(bool skip, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var outputs = new Outputs(
            Path.Combine(root, "ReHome.Api", "bin", "Release", "net10.0"),
            Path.Combine(root, "ReHome.Worker", "bin", "Release", "net10.0"));
        if (!skip)
        {
            foreach (var project in new[] { "ReHome.Api", "ReHome.Worker" })
            {
                Console.WriteLine($"building {project} (Release) …");
                using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root, project), "-c", "Release", "-v", "q", "-nologo"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                }) ?? throw new InvalidOperationException("could not start dotnet build");
                var output = build.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = build.StandardError.ReadToEndAsync(cancellationToken);
                await build.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
                if (build.ExitCode != 0)
                {
                    throw new InvalidOperationException($"dotnet build {project} -c Release failed:{Environment.NewLine}{await output}{await error}");
                }
            }
        }

        foreach (var assembly in new[] { outputs.ApiAssembly, outputs.WorkerAssembly })
        {
            if (!File.Exists(assembly))
            {
                throw new FileNotFoundException($"{assembly} is missing: build without --skip-build", assembly);
            }
        }

        return outputs;
    }

    /// <summary>The folder holding ReHome.sln, above the running benchmark.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReHome.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"ReHome.sln not found above {AppContext.BaseDirectory}");
    }
}
