using System.Globalization;

namespace ReHome.Benchmarks;

/// <summary>
/// Memory of a resource's process from /proc (Linux). DCP starts a project through <c>dotnet run</c>,
/// so the service itself is a child of the process it reports; the largest descendant is taken.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) and current resident set (VmRSS) in MiB, of the process or its busiest descendant.</summary>
    public static (double PeakMiB, double CurrentMiB)? Of(int rootPid)
    {
        var candidates = Descendants(rootPid).Prepend(rootPid)
            .Select(pid => (Peak: Read(pid, "VmHWM"), Current: Read(pid, "VmRSS")))
            .Where(memory => memory.Peak is not null)
            .ToArray();
        return candidates.Length == 0 ? null : candidates.Select(memory => (memory.Peak!.Value, memory.Current ?? 0)).MaxBy(memory => memory.Item1);
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(candidate => ParentOf(candidate) == pid)
            .ToArray();
        return children.Concat(children.SelectMany(Descendants));
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double? Read(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
