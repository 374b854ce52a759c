using System.Diagnostics;
using System.IO.Compression;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Clients;

/// <summary>The Python client builds as a wheel a team can install (<c>pip install rehome_client-*.whl</c>).</summary>
public sealed class PythonClientPackageTests
{
    [Fact]
    public async Task ThePythonClientBuildsAWheelWithItsModulesAndItsOneDependency()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Built from a copy: the build leaves build/ and *.egg-info next to the sources it reads.
        var work = Directory.CreateTempSubdirectory("rehome-python-wheel-");
        try
        {
            var source = Path.Combine(work.FullName, "source");
            CopyFolder(PythonWatchProcess.ClientFolder, source);
            var output = Path.Combine(work.FullName, "wheels");
            // Offline: no build isolation (it would fetch setuptools), no dependencies (websockets comes from apt).
            var start = new ProcessStartInfo(PythonWatchProcess.Python, ["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", output, "."])
            {
                WorkingDirectory = source,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            using var pip = Process.Start(start) ?? throw new InvalidOperationException($"could not start {PythonWatchProcess.Python}");
            var stdout = pip.StandardOutput.ReadToEndAsync(cancellation);
            var stderr = pip.StandardError.ReadToEndAsync(cancellation);
            await pip.WaitForExitAsync(cancellation).WaitAsync(TestTimeouts.Default * 3, cancellation);
            var report = await stdout + await stderr;
            Assert.True(pip.ExitCode == 0, report);

            var wheel = Assert.Single(Directory.GetFiles(output, "rehome_client-*-py3-none-any.whl"));
            using var archive = ZipFile.OpenRead(wheel);
            var names = archive.Entries.Select(entry => entry.FullName).ToArray();
            Assert.Contains("rehome_client/client.py", names);
            Assert.Contains("rehome_client/protocol.py", names);
            Assert.DoesNotContain(names, name => name.StartsWith("tests/", StringComparison.Ordinal));
            var metadataEntry = archive.Entries.Single(entry => entry.FullName.EndsWith(".dist-info/METADATA", StringComparison.Ordinal));
            using var reader = new StreamReader(metadataEntry.Open());
            var metadata = await reader.ReadToEndAsync(cancellation);
            Assert.Contains("Name: rehome-client", metadata, StringComparison.Ordinal);
            Assert.Contains("Requires-Dist: websockets", metadata, StringComparison.Ordinal);
            Assert.Contains("License: MIT", metadata, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "__pycache__" or "build" or "dist" || part.EndsWith(".egg-info", StringComparison.Ordinal)))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
