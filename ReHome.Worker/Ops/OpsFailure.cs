namespace ReHome.Worker.Ops;

/// <summary>A command cannot go on: the message is the one line the operator reads, the exit code says why.</summary>
internal sealed class OpsFailure(string message, int exitCode = OpsExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static OpsFailure Configuration(string message) => new(message, OpsExitCodes.BadConfiguration);
}

internal static class OpsExitCodes
{
    public const int Ok = 0;

    /// <summary>A check failed or a part of the system is down or unreachable.</summary>
    public const int Failed = 1;

    /// <summary>A setting or argument is missing or wrong; nothing was tried.</summary>
    public const int BadConfiguration = 2;

    /// <summary>Stopped by Ctrl+C, as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
