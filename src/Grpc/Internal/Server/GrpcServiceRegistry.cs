using Google.Protobuf.Reflection;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>The services mapped on this server and the protobuf files that declare them, for reflection.</summary>
internal sealed class GrpcServiceRegistry
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, List<IMethod>> _services = new(StringComparer.Ordinal);
    private readonly List<FileDescriptor> _files = [];

    public bool UnimplementedFallbackMapped { get; set; }

    public void Add(IReadOnlyList<IMethod> methods)
    {
        lock (_lock)
        {
            foreach (var method in methods)
            {
                if (!_services.TryGetValue(method.ServiceName, out var list))
                {
                    list = [];
                    _services.Add(method.ServiceName, list);
                }

                if (list.Exists(m => m.Name == method.Name))
                {
                    throw new InvalidOperationException($"gRPC method {method.FullName} is mapped twice.");
                }

                list.Add(method);
                if (method.File is { } file && !_files.Contains(file))
                {
                    _files.Add(file);
                }
            }
        }
    }

    public IReadOnlyList<string> ServiceNames
    {
        get
        {
            lock (_lock)
            {
                return [.. _services.Keys];
            }
        }
    }

    public IReadOnlyList<FileDescriptor> Files
    {
        get
        {
            lock (_lock)
            {
                return [.. _files];
            }
        }
    }
}
