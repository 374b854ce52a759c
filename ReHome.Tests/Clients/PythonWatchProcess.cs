using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ReHome.Tests.Browser;

namespace ReHome.Tests.Clients;

/// <summary>
/// clients/python/examples/watch.py as a real process (Debian's /usr/bin/python3, which sees the apt
/// package python3-websockets): every JSON line it prints, in order, and its stderr for the report.
/// </summary>
internal sealed class PythonWatchProcess : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _lines = [];
    private readonly StringBuilder _transcript = new();

    private PythonWatchProcess(Process process) => _process = process;

    public static string ClientFolder => Path.Combine(RepositoryPaths.Root, "clients", "python");

    /// <summary>Starts watch.py with <paramref name="arguments"/> (--api, --token, --thread …).</summary>
    public static PythonWatchProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = ClientFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PYTHONPATH"] = ClientFolder, ["PYTHONUNBUFFERED"] = "1" },
        };
        start.ArgumentList.Add(Path.Combine("examples", "watch.py"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var watch = new PythonWatchProcess(process);
        process.OutputDataReceived += (_, line) => watch.TakeLine(line.Data, standardError: false);
        process.ErrorDataReceived += (_, line) => watch.TakeLine(line.Data, standardError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return watch;
    }

    public IReadOnlyList<JsonElement> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    /// <summary>The token lines (those with a <c>seq</c>), in the order the client handed them on.</summary>
    public IReadOnlyList<JsonElement> Tokens => [.. Lines.Where(line => line.TryGetProperty("seq", out _))];

    /// <summary>Everything it printed (stdout and stderr), for assertion messages.</summary>
    public string Transcript
    {
        get { lock (_gate) { return _transcript.ToString(); } }
    }

    public Task WaitForLineAsync(string property, TimeSpan timeout) =>
        WaitForAsync(() => Lines.Any(line => line.TryGetProperty(property, out _)), timeout, $"a \"{property}\" line");

    public Task WaitForTokensAsync(int count, TimeSpan timeout) =>
        WaitForAsync(() => Tokens.Count >= count, timeout, $"{count} tokens");

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"watch.py did not end within {timeout}:\n{Transcript}");
        }

        return _process.ExitCode;
    }

    private async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                // One more look: the last lines may have come with the exit.
                await Task.Delay(200);
                if (condition())
                {
                    return;
                }

                throw new TimeoutException($"watch.py printed no {what} within {timeout} (exited: {_process.HasExited}):\n{Transcript}");
            }

            await Task.Delay(50);
        }
    }

    private void TakeLine(string? line, bool standardError)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _transcript.Append(standardError ? "stderr: " : string.Empty).AppendLine(line);
            if (!standardError && line.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(line);
                _lines.Add(document.RootElement.Clone());
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
