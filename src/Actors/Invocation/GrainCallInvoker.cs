namespace CityBrain.Actors.Invocation;

/// <summary>Delivers requests made through grain references. Only the runtime implements it.</summary>
public abstract class GrainCallInvoker
{
    private protected GrainCallInvoker()
    {
    }

    internal abstract void Send(GrainReference reference, GrainRequest request);
}
