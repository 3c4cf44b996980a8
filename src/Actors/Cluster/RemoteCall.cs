using CityBrain.Actors.Invocation;

namespace CityBrain.Actors;

/// <summary>A grain call forwarded to the silo that owns the grain.</summary>
/// <param name="GrainType">Target grain type.</param>
/// <param name="GrainKey">Target grain key.</param>
/// <param name="Interface">Full name of the grain interface.</param>
/// <param name="MethodId">Method index within the interface.</param>
/// <param name="Arguments">Encoded arguments.</param>
/// <param name="CallChain">Grains above this call, outermost first (<c>type/key</c>), for timeout messages.</param>
/// <param name="Timeout">Time left for the response.</param>
/// <param name="Hops">How many silos forwarded it already (bounded to stop loops during view changes).</param>
public sealed record RemoteCall(
    string GrainType,
    string GrainKey,
    string Interface,
    int MethodId,
    IReadOnlyList<EncodedValue> Arguments,
    IReadOnlyList<string> CallChain,
    TimeSpan Timeout,
    int Hops);
