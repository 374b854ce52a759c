using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

public sealed partial class ClientUnitTests
{
    /// <summary>
    /// The client's dedupe, gap and buffer bookkeeping (ReHome.Api/ClientApp/test) under node's own
    /// test runner, so every order of arrival is tried without a browser.
    /// </summary>
    [Fact]
    public async Task TheClientsStreamBookkeepingPassesItsNodeUnitTests()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("node", ["--test", "test/"])
        {
            WorkingDirectory = RepositoryPaths.ClientApp,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var output = node.StandardOutput.ReadToEndAsync(cancellation);
        var error = node.StandardError.ReadToEndAsync(cancellation);
        await node.WaitForExitAsync(cancellation).WaitAsync(TestTimeouts.Default, cancellation);
        var report = await output + await error;

        Assert.True(node.ExitCode == 0, report);
        Assert.True(Passed().Match(report) is { Success: true } passed && int.Parse(passed.Groups[1].Value, CultureInfo.InvariantCulture) >= 5, report);
        Assert.Matches(NoneFailed(), report);
    }

    /// <summary>
    /// The package's types: the JSDoc in ClientApp/src type-checks strictly and TypeScript can write
    /// the .d.ts files the package ships (npm run types does the same into types/).
    /// </summary>
    [Fact]
    public async Task TheClientsJsDocTypeChecksAndMakesItsDeclarations()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var declarations = Directory.CreateTempSubdirectory("rehome-client-types-");
        try
        {
            var start = new ProcessStartInfo("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--declarationDir", declarations.FullName])
            {
                WorkingDirectory = RepositoryPaths.ClientApp,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            using var tsc = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var output = tsc.StandardOutput.ReadToEndAsync(cancellation);
            var error = tsc.StandardError.ReadToEndAsync(cancellation);
            await tsc.WaitForExitAsync(cancellation).WaitAsync(TestTimeouts.Default * 2, cancellation);
            var report = await output + await error;

            Assert.True(tsc.ExitCode == 0, report);
            var client = await File.ReadAllTextAsync(Path.Combine(declarations.FullName, "rehome-client.d.ts"), cancellation);
            Assert.Contains("positions(threadId: string)", client, StringComparison.Ordinal);
            Assert.Contains("export class ReHomeClient", client, StringComparison.Ordinal);
            Assert.Contains("createHubConnection", client, StringComparison.Ordinal);
        }
        finally
        {
            declarations.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^# pass (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Passed();

    [GeneratedRegex(@"^# fail 0$", RegexOptions.Multiline)]
    private static partial Regex NoneFailed();
}
