namespace CityBrain.Storage.Tests.Orleans;

/// <summary>The state of the test grains.</summary>
[GenerateSerializer]
public sealed class NoteState
{
    [Id(0)]
    public string Text { get; set; } = "";
}
