using System.Net;
using System.Net.Sockets;

namespace ReHome.Benchmarks.Processes;

internal static class FreePorts
{
    /// <summary>A loopback port nothing listens on now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
