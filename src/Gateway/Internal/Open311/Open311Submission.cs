using System.Globalization;
using System.Text.RegularExpressions;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using Microsoft.Extensions.Primitives;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>
/// A GeoReport v2 POST service request (its form parameters) checked in its own terms — every error names the GeoReport
/// parameter — and mapped onto an intake event of the app's feed, the path of the 12345 adapter (HotlineService):
/// service_code is our category code, lat/long or address_string the location, description the text, media_url a linked
/// attachment, and the resident (email, first_name, last_name, phone) the reporter, personal information masked in every
/// view but the dispatcher's and the admin's.
/// </summary>
internal static partial class Open311Submission
{
    public const int MaxDescription = 4000; // an intake event's description
    public const int MaxAddress = 500;
    public const int MaxNamePart = 32;
    public const int MaxPhone = 32;
    public const int MaxEmail = 254;
    public const int MaxMediaUrl = 2048;
    public const int MaxIdempotencyKey = 64;

    /// <summary>The parameters this endpoint reads (others are ignored, as the specification lets a server do); each may
    /// be given once.</summary>
    private static readonly string[] Known =
    [
        "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
        "account_id", "first_name", "last_name", "phone", "description", "media_url",
    ];

    /// <summary>The source event id of a request: the app's idempotency key when it sent one (a repeat answers the same
    /// request), else a new id (each POST is a new request).</summary>
    public static string SourceEventId(string? idempotencyKey) =>
        idempotencyKey is null ? "open311:" + Guid.NewGuid().ToString("N") : "open311-key:" + idempotencyKey;

    /// <summary>The <c>Idempotency-Key</c> header: null when absent; 1 to 64 letters, digits, '-', '_', '.' or ':'.</summary>
    public static string? IdempotencyKey(StringValues header)
    {
        if (header.Count == 0)
        {
            return null;
        }

        var key = header.Count == 1 ? header[0] ?? "" : "";
        return key.Length is > 0 and <= MaxIdempotencyKey && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? key
            : throw Open311Error.BadRequest("Idempotency-Key", $"once, 1 to {MaxIdempotencyKey} letters, digits, '-', '_', '.' or ':'");
    }

    /// <summary>A parameter given once (null when absent); a repeated one is a 400.</summary>
    public static string? Single(IEnumerable<KeyValuePair<string, StringValues>> parameters, string name)
    {
        foreach (var (key, values) in parameters)
        {
            if (key == name)
            {
                return values.Count == 1 ? values[0] : throw Open311Error.BadRequest(name, "given more than once");
            }
        }

        return null;
    }

    /// <summary>The intake event of a POSTed request, or <see cref="Open311Error"/> (400) listing every bad parameter.</summary>
    public static IntakeEvent ToIntakeEvent(IReadOnlyDictionary<string, StringValues> form, CityModel city, string source, string sourceEventId)
    {
        var errors = new List<FieldError>();
        foreach (var (parameter, values) in form)
        {
            if (values.Count > 1 && Known.Contains(parameter))
            {
                errors.Add(new FieldError(parameter, "given more than once"));
            }
        }

        if (errors.Count > 0)
        {
            throw Open311Error.BadRequest(errors);
        }

        string Get(string parameter) => form.TryGetValue(parameter, out var values) && values.Count == 1 ? values[0] ?? "" : "";

        var serviceCode = Get("service_code");
        CategoryInfo? category = null;
        if (serviceCode.Length == 0)
        {
            errors.Add(new FieldError("service_code", "required"));
        }
        else if (!city.CategoriesByCode.TryGetValue(serviceCode, out category))
        {
            errors.Add(new FieldError("service_code", $"unknown service '{Shorten(serviceCode)}' (GET services.json lists them)"));
        }

        // Our services define no attributes (GET services/{code}: metadata false), so any attribute is one the app
        // could not have been offered.
        foreach (var attribute in form.Keys.Where(k => k.StartsWith("attribute[", StringComparison.Ordinal) || k == "attribute").Order(StringComparer.Ordinal))
        {
            errors.Add(new FieldError(Shorten(attribute), $"service '{Shorten(serviceCode)}' defines no attributes"));
        }

        var latitude = Coordinate(errors, "lat", Get("lat"), 90);
        var longitude = Coordinate(errors, "long", Get("long"), 180);
        if (Get("lat").Length > 0 != Get("long").Length > 0)
        {
            errors.Add(Get("lat").Length > 0 ? new FieldError("long", "required with lat") : new FieldError("lat", "required with long"));
        }

        var address = Get("address_string");
        Text(errors, "address_string", address, MaxAddress, multiline: false);
        if (Get("lat").Length == 0 && Get("long").Length == 0 && address.Length == 0)
        {
            errors.Add(new FieldError("lat", Get("address_id").Length > 0
                ? "lat/long or address_string required (address_id is not supported here)"
                : "lat/long or address_string required"));
        }

        var description = Get("description");
        Text(errors, "description", description, MaxDescription, multiline: true);
        var firstName = Get("first_name");
        var lastName = Get("last_name");
        Text(errors, "first_name", firstName, MaxNamePart, multiline: false);
        Text(errors, "last_name", lastName, MaxNamePart, multiline: false);
        var phone = Get("phone");
        if (phone.Length > MaxPhone || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')'))
        {
            errors.Add(new FieldError("phone", $"at most {MaxPhone} digits, '+', '-', '(', ')' or spaces"));
        }

        var email = Get("email");
        if (email.Length > 0 && (email.Length > MaxEmail || !EmailPattern().IsMatch(email)))
        {
            errors.Add(new FieldError("email", "not an e-mail address"));
        }

        var media = Get("media_url");
        if (media.Length > 0 && (media.Length > MaxMediaUrl
            || !Uri.TryCreate(media, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add(new FieldError("media_url", $"not an http(s) URL of at most {MaxMediaUrl} characters"));
        }

        if (errors.Count > 0)
        {
            throw Open311Error.BadRequest(errors);
        }

        var location = new Location { Address = address };
        if (latitude is { } lat && longitude is { } lon)
        {
            location.Latitude = lat;
            location.Longitude = lon;
        }

        var intakeEvent = new IntakeEvent
        {
            Source = source,
            SourceEventId = sourceEventId,
            MessageType = MessageType.Alert,
            CategoryCode = category!.Code,
            Location = location,
            Description = description,
        };
        var name = FullName(firstName, lastName);
        if (name.Length > 0 || phone.Length > 0 || email.Length > 0)
        {
            intakeEvent.Reporter = new Reporter { Name = name, Phone = phone, Email = email };
        }

        if (media.Length > 0)
        {
            intakeEvent.Attachments.Add(new Attachment { Name = "media_url", Uri = media });
        }

        return intakeEvent;
    }

    /// <summary>The GeoReport parameter an intake validation path stands for (the intake checks what only it can, e.g. a
    /// point outside every grid of the city).</summary>
    public static string ParameterOf(string path) => path switch
    {
        "location.latitude" => "lat",
        "location.longitude" => "long",
        "location.address" => "address_string",
        "location" => "lat/long",
        "category_code" => "service_code",
        "description" => "description",
        _ when path.StartsWith("attachments", StringComparison.Ordinal) => "media_url",
        _ when path.StartsWith("reporter", StringComparison.Ordinal) => "email/first_name/last_name/phone",
        _ => path,
    };

    /// <summary>The resident's name: family name first for Chinese names (张 + 三 = 张三), given name first otherwise.</summary>
    private static string FullName(string first, string last) =>
        first.Length == 0 || last.Length == 0 ? first + last
        : HanPattern().IsMatch(first + last) ? last + first
        : first + " " + last;

    private static double? Coordinate(List<FieldError> errors, string name, string text, double limit)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length > 32 || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors.Add(new FieldError(name, $"'{Shorten(text)}' is not a number (WGS-84 decimal degrees)"));
            return null;
        }

        if (value < -limit || value > limit)
        {
            errors.Add(new FieldError(name, $"out of range (-{limit} to {limit})"));
            return null;
        }

        return value;
    }

    private static void Text(List<FieldError> errors, string name, string value, int max, bool multiline)
    {
        if (value.Length > max)
        {
            errors.Add(new FieldError(name, $"longer than {max} characters"));
        }
        else if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(new FieldError(name, "contains control characters"));
        }
    }

    /// <summary>A value quoted in an error, cut at 40 characters.</summary>
    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    [GeneratedRegex(@"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex HanPattern();
}
