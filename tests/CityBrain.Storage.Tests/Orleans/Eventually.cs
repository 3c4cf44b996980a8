namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Bounded waits for a real cluster to converge: poll an explicit condition until a deadline.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout}: {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
