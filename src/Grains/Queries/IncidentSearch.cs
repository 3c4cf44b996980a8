using CityBrain.Contracts;

namespace CityBrain.Grains.Queries;

/// <summary>
/// The search filters of a list (<see cref="IncidentListQuery.Text"/>, <see cref="IncidentListQuery.ReporterPhone"/>),
/// checked and normalised once per request (pure). Text is a case-insensitive substring of the description, the address
/// or the source's event id (a 12345 work-order number). A phone is compared as digits: spaces, '-', '(', ')' and a
/// leading +86 or 0086 are removed from both the query and the stored number, and the query matches the whole number or
/// its last <see cref="MinPhoneDigits"/> or more digits (a suffix, as a caller reads out the last four). Who may search by
/// phone (personal information) is the gateway's check, before the list runs.
/// </summary>
public sealed class IncidentSearch
{
    /// <summary>The longest search text.</summary>
    public const int MaxText = 100;

    /// <summary>The fewest digits of a phone query (a suffix shorter than this would match most of the city).</summary>
    public const int MinPhoneDigits = 4;

    /// <summary>The most digits of a phone query.</summary>
    public const int MaxPhoneDigits = 20;

    private IncidentSearch(string? text, string? phoneDigits)
    {
        Text = text;
        PhoneDigits = phoneDigits;
    }

    /// <summary>The text searched for (trimmed), or null.</summary>
    public string? Text { get; }

    /// <summary>The phone's digits searched for, or null.</summary>
    public string? PhoneDigits { get; }

    /// <summary>Whether the query searches at all.</summary>
    public bool Any => Text is not null || PhoneDigits is not null;

    /// <summary>The search of <paramref name="query"/>.</summary>
    /// <exception cref="ValidationException">A filter is too long, or empty once normalised (naming the field).</exception>
    public static IncidentSearch Parse(IncidentListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? text = null;
        if (query.Text.Length > 0)
        {
            text = query.Text.Trim();
            if (text.Length == 0)
            {
                throw new ValidationException("text", "empty once spaces are removed (leave it out to list without searching)");
            }

            if (text.Length > MaxText)
            {
                throw new ValidationException("text", $"longer than {MaxText} characters");
            }
        }

        string? phone = null;
        if (query.ReporterPhone.Length > 0)
        {
            if (query.ReporterPhone.Length > MaxPhoneDigits * 2)
            {
                throw new ValidationException("reporter_phone", $"longer than {MaxPhoneDigits * 2} characters");
            }

            phone = Digits(query.ReporterPhone, out var other);
            if (other)
            {
                throw new ValidationException("reporter_phone", "only digits, spaces, '-', '(', ')' and a leading +86 may be given");
            }

            if (phone.Length == 0)
            {
                throw new ValidationException("reporter_phone", "no digits once spaces, '-' and +86 are removed");
            }

            if (phone.Length < MinPhoneDigits)
            {
                throw new ValidationException("reporter_phone", $"at least the last {MinPhoneDigits} digits");
            }

            if (phone.Length > MaxPhoneDigits)
            {
                throw new ValidationException("reporter_phone", $"more than {MaxPhoneDigits} digits");
            }
        }

        return new IncidentSearch(text, phone);
    }

    /// <summary>Whether <paramref name="incident"/> matches every filter given.</summary>
    public bool Matches(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (Text is { } text
            && !incident.Description.Contains(text, StringComparison.OrdinalIgnoreCase)
            && !(incident.Location?.Address ?? string.Empty).Contains(text, StringComparison.OrdinalIgnoreCase)
            && !incident.SourceEventId.Contains(text, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (PhoneDigits is { } phone)
        {
            var stored = incident.Reporter?.Phone ?? string.Empty;
            if (stored.Length == 0 || !Digits(stored, out _).EndsWith(phone, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The digits of a phone number without separators and without the country code +86 (0086);
    /// <paramref name="other"/> says whether anything but digits and separators was there.</summary>
    public static string Digits(string phone, out bool other)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var value = phone.AsSpan().Trim();
        if (value.StartsWith("+86", StringComparison.Ordinal))
        {
            value = value[3..];
        }
        else if (value.StartsWith("0086", StringComparison.Ordinal))
        {
            value = value[4..];
        }

        other = false;
        Span<char> digits = stackalloc char[Math.Min(value.Length, 256)];
        var count = 0;
        foreach (var c in value)
        {
            if (c is >= '0' and <= '9')
            {
                if (count < digits.Length)
                {
                    digits[count++] = c;
                }
            }
            else if (!(c is ' ' or '-' or '(' or ')' or '\u00a0' or '\u3000'))
            {
                other = true;
            }
        }

        return new string(digits[..count]);
    }
}
