using CityBrain.Actors;
using Google.Protobuf;

namespace CityBrain.Silo.Cluster;

/// <summary>Converts forwarded grain calls between the runtime's records and the silo wire messages.</summary>
internal static class WireMapping
{
    public static Wire.GrainCall ToWire(RemoteCall call)
    {
        var message = new Wire.GrainCall
        {
            GrainType = call.GrainType,
            GrainKey = call.GrainKey,
            Interface = call.Interface,
            MethodId = call.MethodId,
            TimeoutMs = (long)call.Timeout.TotalMilliseconds,
            Hops = call.Hops,
        };
        message.Arguments.AddRange(call.Arguments.Select(ToWire));
        message.CallChain.AddRange(call.CallChain);
        return message;
    }

    public static RemoteCall FromWire(Wire.GrainCall message) => new(
        message.GrainType,
        message.GrainKey,
        message.Interface,
        message.MethodId,
        message.Arguments.Select(FromWire).ToList(),
        message.CallChain.ToList(),
        TimeSpan.FromMilliseconds(message.TimeoutMs),
        message.Hops);

    public static Wire.GrainCallReply ToWire(RemoteCallResult result)
    {
        var reply = new Wire.GrainCallReply
        {
            Status = result.Status switch
            {
                RemoteCallStatus.Ok => Wire.GrainCallReply.Types.Status.Ok,
                RemoteCallStatus.Error => Wire.GrainCallReply.Types.Status.Error,
                _ => Wire.GrainCallReply.Types.Status.NotOwner,
            },
            ViewVersion = result.ViewVersion,
        };
        if (result.Status == RemoteCallStatus.Ok)
        {
            reply.Value = ToWire(result.Value);
        }

        if (result.Error is { } error)
        {
            reply.Error = new Wire.RemoteError { Type = error.Type, Message = error.Message, StackTrace = error.StackTrace ?? "" };
            foreach (var (name, value) in error.Properties)
            {
                reply.Error.Properties[name] = value;
            }
        }

        return reply;
    }

    public static RemoteCallResult FromWire(Wire.GrainCallReply reply) => reply.Status switch
    {
        Wire.GrainCallReply.Types.Status.Ok => new RemoteCallResult(RemoteCallStatus.Ok, FromWire(reply.Value ?? new Wire.EncodedValue()), ViewVersion: reply.ViewVersion),
        Wire.GrainCallReply.Types.Status.Error => new RemoteCallResult(
            RemoteCallStatus.Error,
            Error: new RemoteError(reply.Error.Type, reply.Error.Message, reply.Error.StackTrace, reply.Error.Properties.ToDictionary()),
            ViewVersion: reply.ViewVersion),
        _ => new RemoteCallResult(RemoteCallStatus.NotOwner, ViewVersion: reply.ViewVersion),
    };

    private static Wire.EncodedValue ToWire(Actors.Invocation.EncodedValue value) =>
        new() { Schema = value.Schema, Format = value.Format, Bytes = value.Bytes is { Length: > 0 } bytes ? UnsafeByteOperations.UnsafeWrap(bytes) : ByteString.Empty };

    private static Actors.Invocation.EncodedValue FromWire(Wire.EncodedValue value) =>
        new(value.Schema, (short)value.Format, value.Bytes.ToByteArray());
}
