using Grpc.Core;

namespace CityBrain.Gateway.Tests.Infrastructure;

/// <summary>Asserts that a call fails with a given status.</summary>
internal static class Expect
{
    public static async Task<RpcException> StatusAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(error.StatusCode == code, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    public static Task<RpcException> StatusAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        StatusAsync(code, async () => await call());
}
