using Google.Protobuf.Reflection;

namespace CityBrain.Grpc;

/// <summary>The non-generic description of a gRPC method, as seen by interceptors and reflection.</summary>
public interface IMethod
{
    /// <summary>The shape of the method.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name, for example <c>citybrain.v1.Intake</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, for example <c>Report</c>.</summary>
    string Name { get; }

    /// <summary>The full method name used as the HTTP/2 path, for example <c>/citybrain.v1.Intake/Report</c>.</summary>
    string FullName { get; }

    /// <summary>The protobuf file that declares the service, so server reflection can serve it; null if unknown.</summary>
    FileDescriptor? File { get; }
}
