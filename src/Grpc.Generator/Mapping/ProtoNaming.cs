using System.IO;
using System.Text;

namespace CityBrain.Grpc.Generator.Mapping;

/// <summary>The C# names protoc's C# generator gives to namespaces, messages and reflection classes.</summary>
internal static class ProtoNaming
{
    /// <summary>The namespace of a file: <c>csharp_namespace</c>, else the package in PascalCase (<c>citybrain.v1</c> to <c>Citybrain.V1</c>).</summary>
    public static string GetNamespace(string package, string? csharpNamespace) =>
        csharpNamespace ?? UnderscoresToCamelCase(package, capitalizeNext: true, preservePeriod: true);

    /// <summary>The reflection class of a file: <c>my_file.proto</c> to <c>MyFileReflection</c>.</summary>
    public static string GetReflectionClassName(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".proto", System.StringComparison.Ordinal))
        {
            name = name.Substring(0, name.Length - ".proto".Length);
        }

        return UnderscoresToCamelCase(name, capitalizeNext: true, preservePeriod: false) + "Reflection";
    }

    /// <summary>The C# name of a message relative to its namespace: nested types live in <c>Outer.Types</c>.</summary>
    public static string GetNestedTypeName(string relativeMessageName, string separator) =>
        relativeMessageName.Replace(".", separator + "Types" + separator);

    /// <summary>protoc's conversion: letters after '_', digits or other separators become upper case; separators vanish.</summary>
    public static string UnderscoresToCamelCase(string input, bool capitalizeNext, bool preservePeriod)
    {
        var result = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c >= 'a' && c <= 'z')
            {
                result.Append(capitalizeNext ? char.ToUpperInvariant(c) : c);
                capitalizeNext = false;
            }
            else if (c >= 'A' && c <= 'Z')
            {
                result.Append(i == 0 && !capitalizeNext ? char.ToLowerInvariant(c) : c);
                capitalizeNext = false;
            }
            else if (c >= '0' && c <= '9')
            {
                result.Append(c);
                capitalizeNext = true;
            }
            else
            {
                capitalizeNext = true;
                if (c == '.' && preservePeriod)
                {
                    result.Append('.');
                }
            }
        }

        return result.ToString();
    }
}
