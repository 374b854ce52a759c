using System.Diagnostics;
using System.Globalization;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// CPU and memory of named processes over a measurement window, from /proc (Linux), as perfpeer's
/// run.js measures them: CPU % of one core from utime+stime (CLK_TCK 100) between start and stop,
/// peak VmRSS sampled every 0.5 s, and the CPU the rest of the machine used meanwhile (other engineers,
/// builds) = host busy − the processes watched − this process.
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private const double ClockTicks = 100;
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    private readonly IReadOnlyDictionary<string, int> _processes;
    private readonly Dictionary<string, long> _startTicks = [];
    private readonly Dictionary<string, double> _peakRssMiB = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly (long Idle, long Total) _hostStart;
    private readonly TimeSpan _selfStart;
    private readonly Task _sampling;

    private ProcessSampler(IReadOnlyDictionary<string, int> processes)
    {
        _processes = processes;
        foreach (var (name, pid) in processes)
        {
            if (Ticks(pid) is { } ticks)
            {
                _startTicks[name] = ticks;
            }
        }

        _hostStart = HostTicks();
        _selfStart = Process.GetCurrentProcess().TotalProcessorTime;
        _sampling = SampleRssAsync();
    }

    /// <summary>Starts the window now.</summary>
    public static ProcessSampler Start(IReadOnlyDictionary<string, int> processes) => new(processes);

    /// <summary>Ends the window: CPU % of one core and peak RSS (MiB) per process, and the CPU % the rest of the machine used.</summary>
    public async Task<Usage> StopAsync()
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var cpu = new Dictionary<string, double>();
        foreach (var (name, pid) in _processes)
        {
            if (_startTicks.TryGetValue(name, out var start) && Ticks(pid) is { } end)
            {
                cpu[name] = (end - start) / ClockTicks / wall * 100;
            }
        }

        var host = HostTicks();
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _selfStart).TotalSeconds / wall * 100;
        var busy = host.Total == _hostStart.Total ? 0 : (1 - ((host.Idle - _hostStart.Idle) / (double)(host.Total - _hostStart.Total))) * 100 * Environment.ProcessorCount;
        await _stop.CancelAsync();
        await _sampling;
        lock (_peakRssMiB)
        {
            return new Usage(cpu, new Dictionary<string, double>(_peakRssMiB), Math.Max(0, busy - cpu.Values.Sum() - self));
        }
    }

    private async Task SampleRssAsync()
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            foreach (var (name, pid) in _processes)
            {
                if (RssMiB(pid) is { } rss)
                {
                    lock (_peakRssMiB)
                    {
                        _peakRssMiB[name] = Math.Max(_peakRssMiB.GetValueOrDefault(name), rss);
                    }
                }
            }
        }
        while (await NextAsync(timer));
    }

    private async Task<bool> NextAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>utime + stime of the process (fields 14 and 15 of /proc/PID/stat), in clock ticks.</summary>
    private static long? Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>VmRSS of the process itself (not its children) in MiB.</summary>
    private static double? RssMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Idle (idle + iowait) and total jiffies over all CPUs, from the first line of /proc/stat.</summary>
    private static (long Idle, long Total) HostTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        return (fields[3] + fields[4], fields.Sum());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    internal sealed record Usage(IReadOnlyDictionary<string, double> CpuPercent, IReadOnlyDictionary<string, double> PeakRssMiB, double OtherCpuPercent);
}
