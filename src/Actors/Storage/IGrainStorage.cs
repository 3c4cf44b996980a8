namespace CityBrain.Actors.Storage;

/// <summary>Durable storage of grain state, journals, snapshots and timers.</summary>
internal interface IGrainStorage : IAsyncDisposable
{
    /// <summary>Where the data lives, for messages (e.g. "PostgreSQL 127.0.0.1:5432/citybrain").</summary>
    string Description { get; }

    /// <summary>Applies pending migrations; returns how many were applied.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken);

    Task<JournalLoad> ReadJournalAsync(GrainId grain, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(GrainId grain, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Commits a group durably. Returns false on a version conflict (nothing written).</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached; nothing was written.</exception>
    Task<bool> CommitAsync(WriteGroup group, CancellationToken cancellationToken);

    IAsyncEnumerable<StoredTimer> ReadTimersAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredFeedEntry>> ReadFeedAsync(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>Completes when a write with feed entries for <paramref name="feed"/> committed in this process.</summary>
    Task WhenFeedWrittenAsync(string feed, CancellationToken cancellationToken);
}
