using CityBrain.Contracts;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>The authenticated caller of one API call: the actor the grains see (built from the token, never from the
/// request) and the key of its rate-limit bucket (the feed's source, else the user).</summary>
internal sealed record Caller(Actor Actor, string RateKey)
{
    public Role Role => Actor.Role;
}
