namespace ReHome.Contracts;

/// <summary>The hub's address, its methods and the events it sends (docs/CONTRACT.md, "SignalR hub").</summary>
public static class HubContract
{
    public const string Path = "/hubs/agent";

    /// <summary>Client → server methods.</summary>
    public static class Methods
    {
        public const string Subscribe = "Subscribe";
        public const string Unsubscribe = "Unsubscribe";
        public const string Replay = "Replay";
        public const string Cancel = "Cancel";
    }

    /// <summary>Server → client events.</summary>
    public static class Events
    {
        public const string Token = "agent.thread.token";
        public const string StreamEnded = "agent.thread.stream.ended";
        public const string RunUpdated = "agent.thread.run.updated";

        /// <summary>A stream began a new epoch: clients forget what they showed of it and take its tokens from seq 1.</summary>
        public const string StreamReset = "agent.thread.stream.reset";

        /// <summary>
        /// Sent by an API replica to its own connections when its backplane connection came back:
        /// broadcasts may have been lost meanwhile, so clients subscribe again and replay.
        /// </summary>
        public const string Resync = "agent.resync";
    }
}
