using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace ReHome.Tests.Client;

/// <summary><c>dotnet pack</c> of ReHome.Client makes a package a registry takes: readme, license, repository.</summary>
public sealed class ReHomeClientPackageTests
{
    [Fact]
    public async Task PackingTheClientMakesANupkgWithItsReadmeAndTheMitLicenseExpression()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var project = Path.Combine(RepositoryRoot(), "ReHome.Client", "ReHome.Client.csproj");
        var output = Directory.CreateTempSubdirectory("rehome-client-pack-").FullName;
        try
        {
            // Release, so the Debug outputs the running tests use are left alone.
            var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", "Release", "-o", output, "-v", "q", "-nologo"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var pack = Process.Start(start)!;
            var stdout = pack.StandardOutput.ReadToEndAsync(cancellation);
            var stderr = pack.StandardError.ReadToEndAsync(cancellation);
            await pack.WaitForExitAsync(cancellation).WaitAsync(TimeSpan.FromMinutes(5), cancellation);
            Assert.True(pack.ExitCode == 0, $"dotnet pack failed: {await stdout}{await stderr}");

            var nupkg = Assert.Single(Directory.GetFiles(output, "ReHome.Client.*.nupkg"), path => !path.EndsWith(".snupkg", StringComparison.Ordinal));
            using var package = ZipFile.OpenRead(nupkg);
            Assert.NotNull(package.GetEntry("README.md"));
            Assert.NotNull(package.GetEntry("lib/net10.0/ReHome.Client.dll"));
            var nuspecEntry = Assert.Single(package.Entries, entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            await using var nuspecStream = nuspecEntry.Open();
            var nuspec = await XDocument.LoadAsync(nuspecStream, LoadOptions.None, cancellation);
            var metadata = nuspec.Root!.Elements().Single(element => element.Name.LocalName == "metadata");
            string? Read(string name) => metadata.Elements().SingleOrDefault(element => element.Name.LocalName == name)?.Value;
            var license = metadata.Elements().Single(element => element.Name.LocalName == "license");
            Assert.Equal(("expression", "MIT"), (license.Attribute("type")?.Value, license.Value));
            Assert.Equal("README.md", Read("readme"));
            var repository = metadata.Elements().Single(element => element.Name.LocalName == "repository");
            Assert.StartsWith("https://", repository.Attribute("url")?.Value, StringComparison.Ordinal);
            var dependencies = metadata.Descendants().Where(element => element.Name.LocalName == "dependency").Select(element => element.Attribute("id")?.Value).ToList();
            Assert.Contains("ReHome.Contracts", dependencies);
            Assert.DoesNotContain("ReHome.Streaming", dependencies);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReHome.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no ReHome.sln above {AppContext.BaseDirectory}");
    }
}
