namespace CityBrain.Storage.Tests.Orleans;

/// <summary>A second grain class with the state name of <see cref="IncidentNoteGrain"/>.</summary>
public sealed class UnitNoteGrain([PersistentState("note", AdoNetProviders.StorageName)] IPersistentState<NoteState> note) : Grain, IUnitNoteGrain
{
    public Task WriteAsync(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    public Task<string> ReadAsync() => Task.FromResult(note.State.Text);
}
