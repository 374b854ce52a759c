using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace ReHome.AppHost.Redis;

/// <summary>Asks the configured container engine whether its daemon answers.</summary>
internal static class ContainerEngine
{
    // A docker client without a daemon answers within milliseconds; a hung daemon must not hang start-up.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The engine Aspire would use: <c>ASPIRE_CONTAINER_RUNTIME</c>, else docker.</summary>
    public static string Name(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DcpPublisher:ContainerRuntime"] ?? "docker";

    public static bool Answers(string engine)
    {
        if (ExecutableSearch.Find(engine) is not { } path)
        {
            return false;
        }

        var start = new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
