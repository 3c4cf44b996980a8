namespace CityBrain.Storage.Tests.Orleans;

public interface IUnitNoteGrain : IGrainWithStringKey
{
    Task WriteAsync(string text);

    Task<string> ReadAsync();
}
