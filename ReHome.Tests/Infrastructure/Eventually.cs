namespace ReHome.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or the timeout passes, then reports the last observation.</summary>
public static class Eventually
{
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        T last = default!;
        while (true)
        {
            try
            {
                last = await observe();
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !deadline.IsCancellationRequested)
            {
                // The service may be briefly unreachable while it recovers; keep polling.
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}; last observed: {last}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}
