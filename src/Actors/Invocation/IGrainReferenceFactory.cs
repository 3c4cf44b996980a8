namespace CityBrain.Actors.Invocation;

/// <summary>Creates grain references for one interface. Implemented by generated code.</summary>
public interface IGrainReferenceFactory
{
    /// <summary>Creates a reference to the grain with the given id.</summary>
    GrainReference Create(GrainCallInvoker invoker, GrainId grainId);

    /// <summary>Re-creates a request received from another silo: method <paramref name="methodId"/> of this
    /// interface with its arguments.</summary>
    GrainRequest CreateRequest(int methodId, ArgumentReader arguments);
}
