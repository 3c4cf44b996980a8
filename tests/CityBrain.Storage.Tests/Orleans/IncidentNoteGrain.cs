namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Shares the state name "note" with <see cref="UnitNoteGrain"/> on purpose: see
/// AdoNetSiloTests.ReadState_TwoGrainClassesWithSameStateNameAndKey_ReadEachOthersState.</summary>
public sealed class IncidentNoteGrain([PersistentState("note", AdoNetProviders.StorageName)] IPersistentState<NoteState> note) : Grain, IIncidentNoteGrain, IRemindable
{
    public Task WriteAsync(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    public Task<string> ReadAsync() => Task.FromResult(note.State.Text);

    public Task RemindAsync(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
