namespace CityBrain.Contracts.Tests.Errors;

/// <summary>One example of every refusal, and the comparison a caller relies on: type, message, kind and the
/// properties the gateway maps to a gRPC status.</summary>
public static class Refusals
{
    private const string OneField = nameof(ValidationException) + " of one field";

    public static ValidationException Validation() => new([new FieldError("location.latitude", "out of range"), new FieldError("grids[12].polygon", "ring not closed")]);

    public static ValidationException ValidationOfOneField() => new("dispatch_linkage.department_ids[1]", "department 'roads' is listed twice");

    public static IllegalTransitionException IllegalTransition() => new("inc-0123456789abcdefghjk", IncidentStatus.Closed, "accept", "the incident is finished");

    public static PermissionDeniedException PermissionDenied() => new("worker-9", Role.Worker, "close", "outside its grids");

    public static NotFoundException NotFound() => new("incident", "inc-0123456789abcdefghjk");

    public static CityNotLoadedException CityNotLoaded() => new();

    public static CityBrainException ByName(string name) => name switch
    {
        nameof(ValidationException) => Validation(),
        OneField => ValidationOfOneField(),
        nameof(IllegalTransitionException) => IllegalTransition(),
        nameof(PermissionDeniedException) => PermissionDenied(),
        nameof(NotFoundException) => NotFound(),
        nameof(CityNotLoadedException) => CityNotLoaded(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such refusal"),
    };

    public static TheoryData<string> Names =>
    [
        nameof(ValidationException),
        OneField,
        nameof(IllegalTransitionException),
        nameof(PermissionDeniedException),
        nameof(NotFoundException),
        nameof(CityNotLoadedException),
    ];

    public static void AssertSame(CityBrainException expected, Exception? actual)
    {
        Assert.NotNull(actual);
        Assert.IsType(expected.GetType(), actual);
        var refusal = (CityBrainException)actual;
        Assert.Equal(expected.Message, refusal.Message);
        Assert.Equal(expected.Kind, refusal.Kind);
        switch (expected)
        {
            case ValidationException validation:
                Assert.Equal(validation.Errors, ((ValidationException)refusal).Errors);
                break;
            case IllegalTransitionException transition:
                var readTransition = (IllegalTransitionException)refusal;
                Assert.Equal(transition.IncidentId, readTransition.IncidentId);
                Assert.Equal(transition.Current, readTransition.Current);
                Assert.Equal(transition.Action, readTransition.Action);
                break;
            case PermissionDeniedException denied:
                var readDenied = (PermissionDeniedException)refusal;
                Assert.Equal(denied.UserId, readDenied.UserId);
                Assert.Equal(denied.Role, readDenied.Role);
                Assert.Equal(denied.Action, readDenied.Action);
                break;
            case NotFoundException notFound:
                var readNotFound = (NotFoundException)refusal;
                Assert.Equal(notFound.What, readNotFound.What);
                Assert.Equal(notFound.Id, readNotFound.Id);
                break;
        }
    }
}
