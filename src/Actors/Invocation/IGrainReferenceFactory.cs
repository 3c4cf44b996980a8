namespace CityBrain.Actors.Invocation;

/// <summary>Creates grain references for one interface. Implemented by generated code.</summary>
public interface IGrainReferenceFactory
{
    /// <summary>Creates a reference to the grain with the given id.</summary>
    GrainReference Create(GrainCallInvoker invoker, GrainId grainId);
}
