using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Clients;

public sealed partial class PythonClientUnitTests
{
    /// <summary>
    /// The Python client's cursor and subscription bookkeeping (clients/python/tests) under unittest:
    /// duplicates, gaps, epoch resets, left epochs, ends and run versions in every order of arrival.
    /// </summary>
    [Fact]
    public async Task ThePythonClientsStreamBookkeepingPassesItsUnitTests()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(PythonWatchProcess.Python, ["-m", "unittest", "discover", "-v"])
        {
            WorkingDirectory = PythonWatchProcess.ClientFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var python = Process.Start(start) ?? throw new InvalidOperationException($"could not start {PythonWatchProcess.Python}");
        var output = python.StandardOutput.ReadToEndAsync(cancellation);
        var error = python.StandardError.ReadToEndAsync(cancellation);
        await python.WaitForExitAsync(cancellation).WaitAsync(TestTimeouts.Default, cancellation);
        var report = await output + await error;

        Assert.True(python.ExitCode == 0, report);
        Assert.True(Ran().Match(report) is { Success: true } ran && int.Parse(ran.Groups[1].Value, CultureInfo.InvariantCulture) >= 15, report);
        Assert.Matches(AllPassed(), report);
    }

    [GeneratedRegex(@"^Ran (\d+) tests? in", RegexOptions.Multiline)]
    private static partial Regex Ran();

    [GeneratedRegex(@"^OK$", RegexOptions.Multiline)]
    private static partial Regex AllPassed();
}
