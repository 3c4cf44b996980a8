using CityBrain.Storage.Sql;

namespace CityBrain.Storage;

/// <summary>
/// How many connections one silo may hold on PostgreSQL at once: the journal store's
/// (<see cref="StorageOptions.MaxConnections"/>), one more for its health probe, and the pools of Orleans' ADO.NET
/// providers for grain state and membership. PostgreSQL refuses a connection past its <c>max_connections</c> ("too many
/// clients"), and a silo takes that refusal for an outage of the database; so the silos' budgets together must stay
/// under that limit. Npgsql's own default, 100 per pool, would let a single busy silo reach it. At start the silo
/// compares its budget with the server's limit and the silos already active, and says whether they fit
/// (<see cref="Assess"/>).
/// </summary>
public static class ConnectionBudget
{
    /// <summary>The pool of Orleans' grain-state provider (the outbox-kill benchmark's three silos together peaked at 6).</summary>
    public const int GrainStatePool = 8;

    /// <summary>The pool of Orleans' membership provider (heartbeats and table reads; the three silos together peaked at 3).</summary>
    public const int MembershipPool = 4;

    /// <summary>The fewest connections the journal store can work with: 2 for group commits, 2 for journal loads, 1 for
    /// the other calls.</summary>
    public const int MinStoreConnections = 5;

    /// <summary>The store's pool holds this many beyond its gate, so the health probe never waits behind busy calls.</summary>
    public const int ProbeHeadroom = 1;

    /// <summary>The connections the journal store uses at once for its calls: <see cref="StorageOptions.MaxConnections"/>,
    /// or, when the connection string sets a pool size itself, that size less the probe's.</summary>
    public static int StoreConnections(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The options' validator refuses a pool size of MinStoreConnections or less, so this leaves the store at least that many.
        return SqlDialect.For(options.Database).PoolSizeIn(options.ConnectionString) is { } pool ? pool - ProbeHeadroom : options.MaxConnections;
    }

    /// <summary>The most connections one silo holds (a pool size in the connection string applies to each of the three pools).</summary>
    public static int PerSilo(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SqlDialect.For(options.Database).PoolSizeIn(options.ConnectionString) is { } pool
            ? 3 * pool
            : options.MaxConnections + ProbeHeadroom + GrainStatePool + MembershipPool;
    }

    /// <summary>
    /// Whether this silo's budget fits the server: <paramref name="otherSilos"/> active silos with the same budget and
    /// this one must stay within <paramref name="maxConnections"/> less the <paramref name="reserved"/> (superuser)
    /// slots, and so must the <paramref name="inUse"/> connections of every client now plus this silo's budget. The text
    /// says which figures to change when they do not fit.
    /// </summary>
    public static (bool Fits, string Text) Assess(int maxConnections, int reserved, int inUse, int otherSilos, int perSilo)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSilo);
        var available = maxConnections - reserved;
        var silos = otherSilos + 1;
        var room = available / perSilo;
        var text = $"PostgreSQL takes {available} client connections (max_connections {maxConnections}, {reserved} reserved), {inUse} in use now; "
            + $"a silo holds up to {perSilo}, so {room} silo(s) fit; {silos} counting this one";
        var fits = silos * perSilo <= available && inUse + perSilo <= available;
        return fits
            ? (true, text + ".")
            : (false, text + $". Under load a silo may be refused connections (\"too many clients\") and take it for an outage of the database: "
                + $"raise max_connections to at least {Math.Max(silos * perSilo, inUse + perSilo) + reserved}, or lower {StorageOptions.Section}:MaxConnections.");
    }
}
