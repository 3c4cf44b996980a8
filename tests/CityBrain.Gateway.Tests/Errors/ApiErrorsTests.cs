using System.Net.Sockets;
using System.Reflection;
using CityBrain.Contracts;
using CityBrain.Contracts.Serialization;
using CityBrain.Gateway.Internal.Errors;
using Grpc.Core;
using CityBrain.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace CityBrain.Gateway.Tests.Errors;

/// <summary>The one exception-to-status mapping: refusals of the city by their kind, also after Orleans carried them
/// from another silo; Orleans' and the store's failures as retryable statuses; anything else INTERNAL, its message
/// not sent.</summary>
public sealed class ApiErrorsTests
{
    public static TheoryData<Exception, StatusCode> Refusals() => new()
    {
        { new ValidationException("location.latitude", "out of range"), StatusCode.InvalidArgument },
        { new IllegalTransitionException("inc-x", IncidentStatus.Reported, "close", ""), StatusCode.FailedPrecondition },
        { new PermissionDeniedException("u", Role.Feed, "accept", "no"), StatusCode.PermissionDenied },
        { new NotFoundException("incident", "inc-x"), StatusCode.NotFound },
        { new CityNotLoadedException(), StatusCode.Unavailable },
    };

    public static TheoryData<Exception, StatusCode> Failures() => new()
    {
        // A grain call without an answer within Orleans' response timeout.
        { new TimeoutException("Response did not arrive on time"), StatusCode.DeadlineExceeded },
        { new SiloUnavailableException("silo S127.0.0.1:11111 is dead"), StatusCode.Unavailable },
        { Rejection("the target silo is shutting down"), StatusCode.Unavailable },
        { new StorageUnavailableException("db down"), StatusCode.Unavailable },
        { new SqliteException("database is locked", 5), StatusCode.Unavailable },
        { new SqliteException("unable to open database file", 14), StatusCode.Unavailable },
        { new NpgsqlException("connection lost", new IOException("reset")), StatusCode.Unavailable },
        { new SocketException((int)SocketError.ConnectionRefused), StatusCode.Unavailable },
        { new JournalConflictException("another activation appended first"), StatusCode.Aborted },
        { new InconsistentStateException("etag mismatch", "e1", "e2"), StatusCode.Aborted },
        { new OperationCanceledException("an activation given up while the database hangs"), StatusCode.Unavailable },
        { new RpcException(new Status(StatusCode.ResourceExhausted, "slow down")), StatusCode.ResourceExhausted },
    };

    public static TheoryData<Exception> Unexpected() => new()
    {
        new InvalidOperationException("bug"),
        new NullReferenceException("secret detail"),

        // A database error that retrying will not cure (a constraint, a syntax error) is a bug, not an outage.
        new SqliteException("constraint failed: secret detail", 19),
        new NpgsqlException("secret detail"),
        new OrleansException("secret detail"),
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Describe_Refusal_MapsByKindWithItsMessage(Exception refusal, StatusCode expected)
    {
        var (code, message) = ApiErrors.Describe(refusal);

        Assert.Equal(expected, code);
        Assert.Equal(refusal.Message, message);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Describe_RefusalCarriedByOrleansFromAnotherSilo_SameTypeStatusAndMessage(Exception refusal, StatusCode expected)
    {
        // What a grain call on another silo hands the gateway: the refusal serialized by the silos' codec and re-created.
        var arrived = RoundTrip(refusal);

        var (code, message) = ApiErrors.Describe(arrived);

        Assert.IsType(refusal.GetType(), arrived);
        Assert.Equal(expected, code);
        Assert.Equal(refusal.Message, message);
    }

    [Fact]
    public void Describe_RefusalPropertiesCarriedByOrleans_Restored()
    {
        var arrived = Assert.IsType<IllegalTransitionException>(RoundTrip(new IllegalTransitionException("inc-x", IncidentStatus.Closed, "accept", "")));
        var validation = Assert.IsType<ValidationException>(RoundTrip(new ValidationException([new FieldError("a", "bad"), new FieldError("b", "worse")])));

        Assert.Equal(("inc-x", IncidentStatus.Closed, "accept"), (arrived.IncidentId, arrived.Current, arrived.Action));
        Assert.Equal([new FieldError("a", "bad"), new FieldError("b", "worse")], validation.Errors);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void StatusOf_RuntimeOrStorageFailure_RetryableStatus(Exception failure, StatusCode expected) =>
        Assert.Equal(expected, ApiErrors.StatusOf(failure));

    [Theory]
    [InlineData(typeof(StorageUnavailableException), StatusCode.Unavailable)]
    [InlineData(typeof(JournalConflictException), StatusCode.Aborted)]
    public void StatusOf_StoreFailureCarriedByOrleansFromAnotherSilo_SameStatus(Type type, StatusCode expected)
    {
        var failure = (Exception)Activator.CreateInstance(type, "nothing was written")!;

        var arrived = RoundTrip(failure);

        Assert.IsType(type, arrived);
        Assert.Equal((expected, "nothing was written"), ApiErrors.Describe(arrived));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Describe_StorageProviderFailureWrappedByOrleans_StatusAndMessageOfTheCause(Exception cause, StatusCode expected)
    {
        // What a grain's ADO.NET state read or write throws when the database fails: the cause inside a plain OrleansException.
        var wrapped = new OrleansException("Error from storage provider AdoNetGrainStorage.drill during ReadStateAsync for grain drill/x\n   at secret.Stack()", cause);

        var (code, message) = ApiErrors.Describe(wrapped);

        Assert.Equal(expected, code);
        Assert.Equal(ApiErrors.Describe(cause).Message, message);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Unexpected))]
    public void Describe_UnexpectedExceptionWrappedByOrleans_InternalWithoutItsMessage(Exception cause)
    {
        var (code, message) = ApiErrors.Describe(new OrleansException("Error from storage provider: secret", cause));

        Assert.Equal(StatusCode.Internal, code);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Unexpected))]
    public void Describe_UnexpectedException_InternalWithoutItsMessage(Exception exception)
    {
        var (code, message) = ApiErrors.Describe(exception);

        Assert.Equal(StatusCode.Internal, code);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_RpcException_KeepsItsStatusAndDetail()
    {
        Assert.Equal((StatusCode.ResourceExhausted, "slow down"), ApiErrors.Describe(new RpcException(new Status(StatusCode.ResourceExhausted, "slow down"))));
    }

    /// <summary>Serializes and re-creates the exception with the silos' Orleans serializer (our protobuf codec included).</summary>
    private static Exception RoundTrip(Exception exception)
    {
        using var services = new ServiceCollection().AddSerializer(serializer => serializer.AddProtobufMessages()).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<Exception>(serializer.SerializeToArray(exception))!;
    }

    /// <summary>A message Orleans rejected (its constructors are internal: only the runtime raises it).</summary>
    private static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, [message], null)!;
}
