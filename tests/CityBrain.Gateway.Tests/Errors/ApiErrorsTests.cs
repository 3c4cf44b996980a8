using System.Reflection;
using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Errors;
using CityBrain.Grpc;

namespace CityBrain.Gateway.Tests.Errors;

/// <summary>The one exception-to-status mapping, for refusals raised here, re-created by the runtime after crossing
/// from another silo (type and message, public settable simple properties), or known only by their type name.</summary>
public sealed class ApiErrorsTests
{
    public static TheoryData<Exception, StatusCode> Local() => new()
    {
        { new ValidationException("location.latitude", "out of range"), StatusCode.InvalidArgument },
        { new IllegalTransitionException("inc-x", IncidentStatus.Reported, "close", ""), StatusCode.FailedPrecondition },
        { new PermissionDeniedException("u", Role.Feed, "accept", "no"), StatusCode.PermissionDenied },
        { new NotFoundException("incident", "inc-x"), StatusCode.NotFound },
        { new CityNotLoadedException(), StatusCode.FailedPrecondition },
        { new StorageUnavailableException("db down"), StatusCode.Unavailable },
        { new RpcException(StatusCode.ResourceExhausted, "slow down"), StatusCode.ResourceExhausted },
        { new InvalidOperationException("bug"), StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Local))]
    public void StatusOf_LocalException_MapsByKind(Exception exception, StatusCode expected) =>
        Assert.Equal(expected, ApiErrors.StatusOf(exception));

    [Theory]
    [InlineData(typeof(ValidationException), StatusCode.InvalidArgument)]
    [InlineData(typeof(IllegalTransitionException), StatusCode.FailedPrecondition)]
    [InlineData(typeof(PermissionDeniedException), StatusCode.PermissionDenied)]
    [InlineData(typeof(NotFoundException), StatusCode.NotFound)]
    [InlineData(typeof(CityNotLoadedException), StatusCode.FailedPrecondition)]
    public void StatusOf_RefusalRecreatedFromItsMessage_SameStatusAndMessage(Type type, StatusCode expected)
    {
        // What the runtime does with an exception from another silo: the (string message) constructor, then the
        // public settable simple properties.
        var exception = (Exception)Activator.CreateInstance(type, "location.latitude: out of range")!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType != typeof(Exception) && p.SetMethod is { IsPublic: true } && (p.PropertyType == typeof(string) || p.PropertyType.IsEnum)))
        {
            property.SetValue(exception, property.PropertyType == typeof(string) ? "restored" : Enum.ToObject(property.PropertyType, 1));
        }

        var (code, message) = ApiErrors.Describe(exception);

        Assert.Equal(expected, code);
        Assert.Equal("location.latitude: out of range", message);
    }

    [Theory]
    [InlineData(typeof(ValidationException), StatusCode.InvalidArgument)]
    [InlineData(typeof(IllegalTransitionException), StatusCode.FailedPrecondition)]
    [InlineData(typeof(NotFoundException), StatusCode.NotFound)]
    public void StatusOf_RemoteExceptionNamingARefusalType_MapsLikeTheRefusal(Type type, StatusCode expected)
    {
        var remote = new RemoteGrainException(type.AssemblyQualifiedName!, "Incident inc-x is closed: cannot accept.", null);

        var (code, message) = ApiErrors.Describe(remote);

        Assert.Equal(expected, code);
        Assert.Equal("Incident inc-x is closed: cannot accept.", message);
    }

    [Fact]
    public void Describe_UnexpectedException_InternalWithoutItsMessage()
    {
        var (code, message) = ApiErrors.Describe(new NullReferenceException("secret detail"));

        Assert.Equal(StatusCode.Internal, code);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }
}
