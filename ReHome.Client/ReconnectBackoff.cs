namespace ReHome.Client;

/// <summary>
/// How long to wait before connection attempt <c>n</c>: nothing while untried addresses remain in the
/// first round, then a doubling delay with jitter, capped.
/// </summary>
internal sealed class ReconnectBackoff(int addressCount, TimeSpan first, TimeSpan max)
{
    public TimeSpan DelayBefore(int attempt)
    {
        var round = attempt / addressCount;
        if (round == 0)
        {
            return TimeSpan.Zero;
        }

        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(round - 1, 16));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
