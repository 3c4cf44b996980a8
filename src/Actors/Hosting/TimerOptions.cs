namespace CityBrain.Actors;

/// <summary>Reminder and deadline delivery settings.</summary>
public sealed class TimerOptions
{
    /// <summary>Most timer deliveries in flight at once; more due timers wait their turn. Default 1024.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 1024;

    /// <summary>First retry delay after a failed delivery; doubles per attempt. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay. Default 1 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}
