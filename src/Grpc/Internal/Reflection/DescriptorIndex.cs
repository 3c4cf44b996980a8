using Google.Protobuf.Reflection;

namespace CityBrain.Grpc.Internal.Reflection;

/// <summary>The protobuf files of the mapped services and their dependencies, indexed by file name and by symbol.</summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly List<FieldDescriptor> _extensions = [];

    public DescriptorIndex(IEnumerable<FileDescriptor> roots)
    {
        foreach (var file in roots)
        {
            AddFile(file);
        }
    }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    public FileDescriptor? FindFileContainingExtension(string containingType, int number) =>
        _extensions.Find(e => e.ExtendeeType?.FullName == containingType.TrimStart('.') && e.FieldNumber == number)?.File;

    public IReadOnlyList<int>? FindExtensionNumbers(string type)
    {
        type = type.TrimStart('.');
        if (!_symbols.ContainsKey(type))
        {
            return null;
        }

        return [.. _extensions.Where(e => e.ExtendeeType?.FullName == type).Select(e => e.FieldNumber)];
    }

    /// <summary>The file and every file it depends on, transitively, the file first.</summary>
    public static List<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var result = new List<FileDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next.Name))
            {
                continue;
            }

            result.Add(next);
            foreach (var dependency in next.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return result;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message);
        }

        foreach (var enumType in file.EnumTypes)
        {
            _symbols.TryAdd(enumType.FullName, file);
        }

        foreach (var service in file.Services)
        {
            _symbols.TryAdd(service.FullName, file);
            foreach (var method in service.Methods)
            {
                _symbols.TryAdd(method.FullName, file);
            }
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            _extensions.Add(extension);
            _symbols.TryAdd(extension.FullName, file);
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
    }

    private void AddMessage(MessageDescriptor message)
    {
        _symbols.TryAdd(message.FullName, message.File);
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested);
        }

        foreach (var enumType in message.EnumTypes)
        {
            _symbols.TryAdd(enumType.FullName, message.File);
        }

        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            _extensions.Add(extension);
        }
    }
}
