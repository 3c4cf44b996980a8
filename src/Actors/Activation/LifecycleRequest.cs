using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Activation;

/// <summary>Activation and deactivation run as requests of their own, so they take turns like everything else.</summary>
internal sealed class LifecycleRequest : GrainRequest<VoidResult>
{
    private static readonly GrainMethod ActivateMethod = new("runtime", "Activate", -1, GrainMethodOptions.None, 0);
    private static readonly GrainMethod DeactivateMethod = new("runtime", "Deactivate", -2, GrainMethodOptions.None, 0);

    private LifecycleRequest(GrainId target, bool activate, DeactivationReason reason)
    {
        TargetId = target;
        IsActivation = activate;
        Reason = reason;
    }

    public bool IsActivation { get; }

    public DeactivationReason Reason { get; }

    public override GrainMethod Method => IsActivation ? ActivateMethod : DeactivateMethod;

    public static LifecycleRequest Activate(GrainId target) => new(target, activate: true, DeactivationReason.None);

    public static LifecycleRequest Deactivate(GrainId target, DeactivationReason reason) => new(target, activate: false, reason);

    protected override ValueTask<VoidResult> InvokeAsync(object grain)
    {
        var activation = (ActivationData)grain;
        return IsActivation ? activation.ActivateAsync() : activation.DeactivateAsync(Reason);
    }
}
