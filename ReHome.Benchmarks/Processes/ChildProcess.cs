using System.Diagnostics;

namespace ReHome.Benchmarks.Processes;

/// <summary>
/// A process the benchmark started (redis-server, an api, a worker), its stdout and stderr appended
/// to a log file. Disposing kills it, so nothing outlives the benchmark.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly LogSink _log;
    private bool _stopped;

    private ChildProcess(string name, Process process, LogSink log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The process exited and the benchmark did not kill or stop it: it crashed or stopped by itself.</summary>
    public bool ExitedByItself => _process.HasExited && !_stopped;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts the process. <paramref name="onOutputLine"/>, when given, also sees each line of its stdout
    /// (a line protocol with the benchmark); <paramref name="withInput"/> keeps its stdin open for <see cref="WriteLineAsync"/>.
    /// </summary>
    public static ChildProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logPath,
        Action<string>? onOutputLine = null, bool withInput = false)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = withInput,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new LogSink(logPath);
        log.Write($"---- {DateTimeOffset.UtcNow:O} start {fileName} {string.Join(' ', start.ArgumentList)}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            log.Write(line.Data);
            if (line.Data is not null)
            {
                onOutputLine?.Invoke(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) => log.Write(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(name, process, log);
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a machine or container dies.</summary>
    public void Kill()
    {
        _stopped = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within the timeout.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        _stopped = true;
        if (_process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
        }
    }

    /// <summary>Writes a line to the process's stdin (started with <c>withInput</c>).</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public void Dispose()
    {
        try
        {
            Kill();
            _process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
        _log.Dispose();
    }

    /// <summary>The log file; output that arrives after disposal is dropped.</summary>
    private sealed class LogSink(string path) : IDisposable
    {
        private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };
        private bool _closed;

        public void Write(string? line)
        {
            lock (_writer)
            {
                if (line is not null && !_closed)
                {
                    _writer.WriteLine(line);
                }
            }
        }

        public void Dispose()
        {
            lock (_writer)
            {
                _closed = true;
                _writer.Dispose();
            }
        }
    }
}
