using System.Text.Json.Serialization;

namespace CityBrain.Actors.Tests.Grains;

public interface IAccountGrain : IGrain
{
    Task<long> Deposit(long amount);

    Task<long> Withdraw(long amount);

    [ReadOnly]
    Task<AccountState> Get();

    [ReadOnly]
    Task<long> Confirmed();

    Task<string[]> History();
}

public sealed record AccountState
{
    public long Balance { get; init; }

    public int Operations { get; init; }
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(Deposited), "deposited")]
[JsonDerivedType(typeof(Withdrawn), "withdrawn")]
public abstract record AccountEvent;

public sealed record Deposited(long Amount) : AccountEvent;

public sealed record Withdrawn(long Amount) : AccountEvent;

public sealed class AccountGrain : JournaledGrain<AccountState, AccountEvent>, IAccountGrain
{
    protected override int SnapshotInterval => 5;

    protected override AccountState Apply(AccountState state, AccountEvent @event) => @event switch
    {
        Deposited d => state with { Balance = state.Balance + d.Amount, Operations = state.Operations + 1 },
        Withdrawn w => state with { Balance = state.Balance - w.Amount, Operations = state.Operations + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(@event)),
    };

    public async Task<long> Deposit(long amount)
    {
        RaiseEvent(new Deposited(amount));
        await ConfirmEventsAsync();
        return State.Balance;
    }

    public async Task<long> Withdraw(long amount)
    {
        if (amount > State.Balance)
        {
            throw new InvalidOperationException($"Balance {State.Balance} is less than {amount}.");
        }

        RaiseEvent(new Withdrawn(amount));
        await ConfirmEventsAsync();
        return State.Balance;
    }

    public Task<AccountState> Get() => Task.FromResult(State);

    public Task<long> Confirmed() => Task.FromResult(Version);

    public async Task<string[]> History()
    {
        var entries = await ReadJournalAsync();
        return entries.Select(e => $"{e.Sequence}:{e.Event}").ToArray();
    }
}
