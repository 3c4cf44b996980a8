namespace CityBrain.Storage.Tests.Orleans;

public interface IIncidentNoteGrain : IGrainWithStringKey
{
    Task WriteAsync(string text);

    Task<string> ReadAsync();

    /// <summary>Registers a reminder (far in the future: only its row matters).</summary>
    Task RemindAsync(string name);
}
