namespace ReHome.Streaming.Streams;

/// <summary>Unix time in milliseconds, with the fraction the clock gives (emit-to-receive latency is sub-millisecond).</summary>
public static class UnixTime
{
    public static double Milliseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;

    public static long WholeMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
