namespace ReHome.Worker.Heartbeat;

/// <summary>
/// Names this worker in Redis (heartbeat key, queue consumer name). Unique per start, not just per
/// process: containers all run as PID 1, and tests host several workers in one process — two workers
/// under one name would each take the other's jobs for their own.
/// </summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
}
