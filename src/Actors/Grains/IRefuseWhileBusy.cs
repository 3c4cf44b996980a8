using CityBrain.Actors.Invocation;

namespace CityBrain.Actors;

/// <summary>
/// A grain that may refuse a request on arrival, while one of its turns is running, instead of queueing it behind
/// that turn. The runtime asks when the request reaches the activation; a refusal fails the call at once with the
/// returned exception and runs no grain code. It breaks wait cycles a grain can foresee: two incidents each asking
/// the other to absorb it as a duplicate would otherwise wait on each other until the response timeout.
/// </summary>
/// <remarks>
/// Called on the caller's thread under the activation's lock, concurrently with the grain's own turn: read only
/// fields the turn publishes with volatile writes, do no I/O and do not throw.
/// </remarks>
public interface IRefuseWhileBusy
{
    /// <summary>The exception to fail a request for <paramref name="method"/> with, or null to queue it as usual.</summary>
    Exception? RefuseWhileBusy(GrainMethod method);
}
