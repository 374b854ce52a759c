namespace ReHome.Tests.Infrastructure;

/// <summary>Upper bounds for awaits that could hang; generous, since CI machines are noisy.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan AppStart = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);
}
