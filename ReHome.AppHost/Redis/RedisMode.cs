namespace ReHome.AppHost.Redis;

/// <summary>How the AppHost provides Redis (<c>Redis:Mode</c>); when publishing only <see cref="External"/> differs from the container.</summary>
internal enum RedisMode
{
    /// <summary>The Redis container when a container engine answers, else a local <c>redis-server</c>.</summary>
    Auto,

    /// <summary>Always the standard Redis container (needs Docker or Podman).</summary>
    Container,

    /// <summary>Always the machine's <c>redis-server</c>, started and owned by the AppHost.</summary>
    Local,

    /// <summary>An existing Redis, given as <c>ConnectionStrings:redis</c>.</summary>
    External,
}
