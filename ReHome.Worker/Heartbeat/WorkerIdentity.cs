namespace ReHome.Worker.Heartbeat;

/// <summary>Names this worker process in Redis (heartbeat key, and later its queue consumer name).</summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
}
