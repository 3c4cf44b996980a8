using System.Collections.Concurrent;
using CityBrain.Contracts;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Personal information (个人信息, the Personal Information Protection Law): a reporter's name and phone (a 12345 caller,
/// a resident) are stored once, with the incident, and shown in full only to the roles that call people back — the
/// dispatcher 调度员 and the admin. Every other role (viewer, department, grid worker, feed) sees them masked in every
/// message of the API: <c>138****5678</c>, <c>张*</c>, <c>z***@example.com</c>.
/// </summary>
internal static class PersonalData
{
    private static readonly ConcurrentDictionary<MessageDescriptor, bool> CanHoldReporter = new();

    /// <summary>Whether <paramref name="role"/> sees reporters unmasked.</summary>
    public static bool SeesInFull(Role role) => role is Role.Dispatcher or Role.Admin;

    /// <summary><paramref name="message"/> with every reporter masked: the same instance when it holds none, else a
    /// copy (the original may be shared).</summary>
    public static T Masked<T>(T message)
        where T : IMessage
    {
        if (!MayHold(message.Descriptor) || !Contains(message))
        {
            return message;
        }

        // A copy by its bytes: T may be IMessage itself (the interceptor's view), which has no typed Clone.
        var copy = (T)message.Descriptor.Parser.ParseFrom(message.ToByteString());
        Mask(copy);
        return copy;
    }

    /// <summary>A phone number with all but its first three and last four digits hidden (shorter ones: all but the
    /// last two).</summary>
    public static string MaskPhone(string phone)
    {
        if (phone.Length == 0)
        {
            return phone;
        }

        var (keepStart, keepEnd) = phone.Length >= 11 ? (3, 4) : (0, Math.Min(2, phone.Length - 1));
        return string.Concat(phone.AsSpan(0, keepStart), new string('*', phone.Length - keepStart - keepEnd), phone.AsSpan(phone.Length - keepEnd));
    }

    /// <summary>An e-mail address with its local part hidden but for its first character (the domain stays).</summary>
    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return MaskName(email);
        }

        var first = char.IsHighSurrogate(email[0]) && at > 1 ? 2 : 1;
        return string.Concat(email.AsSpan(0, first), "***", email.AsSpan(at));
    }

    /// <summary>A name with all but its first character hidden.</summary>
    public static string MaskName(string name)
    {
        if (name.Length == 0)
        {
            return name;
        }

        var first = char.IsHighSurrogate(name[0]) && name.Length > 1 ? 2 : 1;
        return string.Concat(name.AsSpan(0, first), new string('*', Math.Max(1, name.Length - first)));
    }

    /// <summary>Whether messages of <paramref name="descriptor"/> can hold a reporter, at any depth.</summary>
    public static bool MayHold(MessageDescriptor descriptor) =>
        CanHoldReporter.GetOrAdd(descriptor, static d => Reaches(d, []));

    private static bool Reaches(MessageDescriptor descriptor, HashSet<MessageDescriptor> seen)
    {
        if (descriptor == Reporter.Descriptor)
        {
            return true;
        }

        if (!seen.Add(descriptor))
        {
            return false;
        }

        return descriptor.Fields.InDeclarationOrder().Any(f => f.FieldType == FieldType.Message && !f.IsMap && Reaches(f.MessageType, seen));
    }

    private static bool Contains(IMessage message)
    {
        if (message is Reporter)
        {
            return true;
        }

        foreach (var field in Walkable(message.Descriptor))
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated ? ((System.Collections.IEnumerable)value).Cast<IMessage>().Any(Contains) : value is IMessage child && Contains(child))
            {
                return true;
            }
        }

        return false;
    }

    private static void Mask(IMessage message)
    {
        if (message is Reporter reporter)
        {
            reporter.Name = MaskName(reporter.Name);
            reporter.Phone = MaskPhone(reporter.Phone);
            reporter.Email = MaskEmail(reporter.Email);
            return;
        }

        foreach (var field in Walkable(message.Descriptor))
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (IMessage child in (System.Collections.IEnumerable)value)
                {
                    Mask(child);
                }
            }
            else if (value is IMessage child)
            {
                Mask(child);
            }
        }
    }

    private static IEnumerable<FieldDescriptor> Walkable(MessageDescriptor descriptor) =>
        descriptor.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message && !f.IsMap && MayHold(f.MessageType));
}
