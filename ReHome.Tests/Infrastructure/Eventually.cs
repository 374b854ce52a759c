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
                var observed = last is System.Collections.IEnumerable items and not string
                    ? string.Join(", ", items.Cast<object>())
                    : last?.ToString();
                throw new TimeoutException($"{what} did not happen within {timeout}; last observed: {observed}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}
