using System.Globalization;
using System.Reflection;

namespace CityBrain.Actors.Cluster;

/// <summary>
/// Carries exceptions between silos: the type's full name, the message and its public string, number, bool and
/// enum properties. On the calling side the exception is re-created when its type is known and has a public
/// <c>(string message)</c> constructor, with those properties set where they have setters; otherwise a
/// <see cref="RemoteGrainException"/> keeps the original type name and message.
/// </summary>
internal static class RemoteErrors
{
    public static RemoteError Describe(Exception exception)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in exception.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.DeclaringType == typeof(Exception) || property.GetIndexParameters().Length > 0 || !IsSimple(property.PropertyType))
            {
                continue;
            }

            if (property.GetValue(exception) is { } value)
            {
                properties[property.Name] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            }
        }

        return new RemoteError(exception.GetType().AssemblyQualifiedName ?? exception.GetType().FullName!, exception.Message, exception.StackTrace, properties);
    }

    public static Exception Rebuild(RemoteError error)
    {
        var type = Type.GetType(error.Type, throwOnError: false);
        var constructor = type is not null && typeof(Exception).IsAssignableFrom(type)
            ? type.GetConstructor([typeof(string)]) ?? type.GetConstructor([typeof(string), typeof(Exception)])
            : null;
        if (constructor is not null)
        {
            var exception = (Exception)constructor.Invoke(constructor.GetParameters().Length == 1 ? [error.Message] : [error.Message, null]);
            foreach (var (name, text) in error.Properties)
            {
                var property = type!.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
                if (property?.SetMethod is { IsPublic: true } && IsSimple(property.PropertyType))
                {
                    property.SetValue(exception, Parse(property.PropertyType, text));
                }
            }

            exception.Data["RemoteStackTrace"] = error.StackTrace;
            return exception;
        }

        return new RemoteGrainException(error.Type, error.Message, error.StackTrace);
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan);
    }

    private static object? Parse(Type type, string text)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? text
            : type.IsEnum ? Enum.Parse(type, text)
            : type == typeof(TimeSpan) ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
            : Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
    }
}
