using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CityBrain.Contracts;

namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>
/// Reads one OASIS CAP 1.2 alert message and checks it against CAP 1.2's rules as the specification states them: the
/// namespace <c>urn:oasis:names:tc:emergency:cap:1.2</c>; the schema's element sequences (order, required elements, how
/// often each may appear, nothing else but an XML signature as the last child of <c>alert</c>); its enumerations; dates
/// and times with a numeric time zone (<c>2026-12-03T09:00:00+08:00</c>, never <c>Z</c>); identifiers without spaces,
/// commas, '&lt;' or '&amp;'; <c>references</c> as <c>sender,identifier,sent</c> triples; polygons of at least four
/// <c>lat,lon</c> pairs whose first and last are the same; circles as <c>lat,lon radius</c>; <c>addresses</c> when the
/// scope is Private; <c>ceiling</c> only with <c>altitude</c>; and <c>references</c> for an Update, Cancel, Ack or Error.
/// Every problem is reported with the element's path (<c>info[0].area[1].polygon[0]</c>; indexes from 0, on elements
/// that may repeat) and its line. Surrounding white space of a value is ignored. The reader is safe for documents from
/// outside: no DTD (refused), no external resolution, at most <see cref="MaxBytes"/>.
/// </summary>
internal static partial class CapDocument
{
    /// <summary>CAP 1.2's XML namespace.</summary>
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";

    /// <summary>The largest document read (bytes).</summary>
    public const int MaxBytes = 256 * 1024;

    private const string XmlSignatureNamespace = "http://www.w3.org/2000/09/xmldsig#";
    private const int Many = int.MaxValue;

    private static readonly XNamespace Cap = Namespace;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxBytes,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    // The schema's sequences, in order: (element, minOccurs, maxOccurs).
    private static readonly Slot[] AlertSlots =
    [
        new("identifier", 1, 1), new("sender", 1, 1), new("sent", 1, 1), new("status", 1, 1), new("msgType", 1, 1),
        new("source", 0, 1), new("scope", 1, 1), new("restriction", 0, 1), new("addresses", 0, 1), new("code", 0, Many),
        new("note", 0, 1), new("references", 0, 1), new("incidents", 0, 1), new("info", 0, Many),
    ];

    private static readonly Slot[] InfoSlots =
    [
        new("language", 0, 1), new("category", 1, Many), new("event", 1, 1), new("responseType", 0, Many),
        new("urgency", 1, 1), new("severity", 1, 1), new("certainty", 1, 1), new("audience", 0, 1),
        new("eventCode", 0, Many), new("effective", 0, 1), new("onset", 0, 1), new("expires", 0, 1),
        new("senderName", 0, 1), new("headline", 0, 1), new("description", 0, 1), new("instruction", 0, 1),
        new("web", 0, 1), new("contact", 0, 1), new("parameter", 0, Many), new("resource", 0, Many), new("area", 0, Many),
    ];

    private static readonly Slot[] ResourceSlots =
    [
        new("resourceDesc", 1, 1), new("mimeType", 1, 1), new("size", 0, 1), new("uri", 0, 1), new("derefUri", 0, 1), new("digest", 0, 1),
    ];

    private static readonly Slot[] AreaSlots =
    [
        new("areaDesc", 1, 1), new("polygon", 0, Many), new("circle", 0, Many), new("geocode", 0, Many), new("altitude", 0, 1), new("ceiling", 0, 1),
    ];

    private static readonly Slot[] ValuePairSlots = [new("valueName", 1, 1), new("value", 1, 1)];

    private static readonly string[] Statuses = ["Actual", "Exercise", "System", "Test", "Draft"];
    private static readonly string[] MsgTypes = ["Alert", "Update", "Cancel", "Ack", "Error"];
    private static readonly string[] Scopes = ["Public", "Restricted", "Private"];
    private static readonly string[] Categories = ["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"];
    private static readonly string[] ResponseTypes = ["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"];
    private static readonly string[] Urgencies = ["Immediate", "Expected", "Future", "Past", "Unknown"];
    private static readonly string[] Severities = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
    private static readonly string[] Certainties = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];

    /// <summary>The alert in <paramref name="xml"/>, or <see cref="ValidationException"/> listing every problem.</summary>
    public static CapAlert Parse(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.Length == 0)
        {
            throw new ValidationException("alert", "the document is empty");
        }

        if (xml.Length > MaxBytes)
        {
            throw new ValidationException("alert", $"the document is larger than {MaxBytes} bytes");
        }

        XDocument document;
        try
        {
            using var stream = new MemoryStream(xml, writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException exception)
        {
            throw new ValidationException("alert", $"not a well-formed XML document without a DTD: {exception.Message}");
        }

        var root = document.Root!;
        if (root.Name.LocalName != "alert")
        {
            throw new ValidationException("alert", $"the document's element is <{root.Name.LocalName}>, not a CAP <alert>");
        }

        if (root.Name.Namespace != Cap)
        {
            throw new ValidationException("alert", $"the namespace is '{root.Name.NamespaceName}', not CAP 1.2's {Namespace}");
        }

        var checker = new Checker();
        var alert = checker.Alert(root);
        return checker.Errors.Count > 0 ? throw new ValidationException(checker.Errors) : alert!;
    }

    private sealed record Slot(string Name, int Min, int Max);

    /// <summary>Collects the problems of one document while reading it.</summary>
    private sealed class Checker
    {
        public List<FieldError> Errors { get; } = [];

        public CapAlert? Alert(XElement alert)
        {
            var children = Children(alert, string.Empty, AlertSlots, signatureLast: true);
            var identifier = Identifier(children, "identifier");
            var sender = Identifier(children, "sender");
            var sent = One(children, "sent", DateTime);
            var status = One(children, "status", (e, p) => Enumeration(e, p, Statuses));
            var msgType = One(children, "msgType", (e, p) => Enumeration(e, p, MsgTypes));
            var scope = One(children, "scope", (e, p) => Enumeration(e, p, Scopes));
            if (scope == "Private" && children["addresses"].Count == 0)
            {
                Error("addresses", "required when the scope is Private", alert);
            }

            var references = One(children, "references", References) ?? [];
            if (msgType is "Update" or "Cancel" or "Ack" or "Error" && children["references"].Count == 0)
            {
                Error("references", $"required for msgType {msgType} (it names the earlier messages it refers to)", alert);
            }

            var infos = children["info"].Select((e, i) => Info(e, $"info[{i}]")).ToList();
            return identifier is null || sender is null || sent is null || status is null || msgType is null || infos.Any(i => i is null)
                ? null
                : new CapAlert(identifier, sender, sent.Value, status, msgType, references, infos!);
        }

        private CapInfo? Info(XElement info, string path)
        {
            var children = Children(info, path, InfoSlots);
            One(children, "language", (e, p) => Pattern(e, p, LanguagePattern(), "not a language code (e.g. zh-CN)"), path);
            var categories = children["category"].Select((e, i) => Enumeration(e, $"{path}.category[{i}]", Categories)).ToList();
            var name = One(children, "event", Required, path);
            foreach (var (e, i) in children["responseType"].Select((e, i) => (e, i)))
            {
                Enumeration(e, $"{path}.responseType[{i}]", ResponseTypes);
            }

            var urgency = One(children, "urgency", (e, p) => Enumeration(e, p, Urgencies), path);
            var severity = One(children, "severity", (e, p) => Enumeration(e, p, Severities), path);
            var certainty = One(children, "certainty", (e, p) => Enumeration(e, p, Certainties), path);
            foreach (var (e, i) in children["eventCode"].Select((e, i) => (e, i)))
            {
                ValuePair(e, $"{path}.eventCode[{i}]");
            }

            foreach (var time in new[] { "effective", "onset", "expires" })
            {
                One(children, time, DateTime, path);
            }

            var headline = One(children, "headline", Text, path);
            var description = One(children, "description", Text, path);
            var instruction = One(children, "instruction", Text, path);
            One(children, "web", Uri, path);
            var parameters = children["parameter"].Select((e, i) => ValuePair(e, $"{path}.parameter[{i}]")).ToList();
            var resources = children["resource"].Select((e, i) => Resource(e, $"{path}.resource[{i}]")).ToList();
            var areas = children["area"].Select((e, i) => Area(e, $"{path}.area[{i}]")).ToList();
            return categories.Any(c => c is null) || name is null || urgency is null || severity is null || certainty is null
                || parameters.Any(p => p is null) || resources.Any(r => r is null) || areas.Any(a => a is null)
                ? null
                : new CapInfo(categories!, name, urgency, severity, certainty, NullIfEmpty(headline), NullIfEmpty(description), NullIfEmpty(instruction),
                    parameters.Select(p => p!.Value).ToList(), resources!, areas!);
        }

        private CapResource? Resource(XElement resource, string path)
        {
            var children = Children(resource, path, ResourceSlots);
            var description = One(children, "resourceDesc", Required, path);
            var mimeType = One(children, "mimeType", Required, path);
            One(children, "size", (e, p) => Pattern(e, p, IntegerPattern(), "not an integer (bytes)"), path);
            var uri = One(children, "uri", Uri, path);
            One(children, "derefUri", Text, path);
            One(children, "digest", Text, path);
            return description is null || mimeType is null ? null : new CapResource(description, mimeType, NullIfEmpty(uri));
        }

        private CapArea? Area(XElement area, string path)
        {
            var children = Children(area, path, AreaSlots);
            var description = One(children, "areaDesc", Text, path);
            var polygons = children["polygon"].Select((e, i) => Polygon(e, $"{path}.polygon[{i}]")).ToList();
            var circles = children["circle"].Select((e, i) => Circle(e, $"{path}.circle[{i}]")).ToList();
            foreach (var (e, i) in children["geocode"].Select((e, i) => (e, i)))
            {
                ValuePair(e, $"{path}.geocode[{i}]");
            }

            One(children, "altitude", Decimal, path);
            One(children, "ceiling", Decimal, path);
            if (children["ceiling"].Count > 0 && children["altitude"].Count == 0)
            {
                Error(path + ".ceiling", "only with an altitude", children["ceiling"][0]);
            }

            return description is null || polygons.Any(p => p is null) || circles.Any(c => c is null)
                ? null
                : new CapArea(description, polygons!, circles!);
        }

        /// <summary>A whitespace-separated list of at least four <c>lat,lon</c> pairs, the first and last the same.</summary>
        private IReadOnlyList<CapPoint>? Polygon(XElement polygon, string path)
        {
            if (Text(polygon, path) is not { } text)
            {
                return null;
            }

            var pairs = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var points = new List<CapPoint>(pairs.Length);
            foreach (var pair in pairs)
            {
                if (Point(pair, path, polygon) is not { } point)
                {
                    return null;
                }

                points.Add(point);
            }

            if (points.Count < 4)
            {
                Error(path, $"{points.Count} coordinate pairs; a polygon has at least 4, the first and last the same", polygon);
                return null;
            }

            if (points[0] != points[^1])
            {
                Error(path, $"the first and last coordinate pairs differ ('{pairs[0]}', '{pairs[^1]}'): a polygon is closed", polygon);
                return null;
            }

            return points;
        }

        /// <summary><c>lat,lon radius</c>, the radius in kilometres.</summary>
        private CapCircle? Circle(XElement circle, string path)
        {
            if (Text(circle, path) is not { } text)
            {
                return null;
            }

            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                Error(path, $"'{Shorten(text)}' is not 'lat,lon radius'", circle);
                return null;
            }

            var centre = Point(parts[0], path, circle);
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var radius) || !double.IsFinite(radius) || radius < 0)
            {
                Error(path, $"the radius '{Shorten(parts[1])}' is not a distance in kilometres", circle);
                return null;
            }

            return centre is { } point ? new CapCircle(point, radius) : null;
        }

        private CapPoint? Point(string pair, string path, XElement element)
        {
            var comma = pair.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !double.TryParse(pair[..comma], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
                || !double.TryParse(pair[(comma + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude))
            {
                Error(path, $"'{Shorten(pair)}' is not a coordinate pair 'lat,lon'", element);
                return null;
            }

            if (!double.IsFinite(latitude) || latitude is < -90 or > 90 || !double.IsFinite(longitude) || longitude is < -180 or > 180)
            {
                Error(path, $"'{Shorten(pair)}' is out of range (latitude -90 to 90, longitude -180 to 180, WGS 84)", element);
                return null;
            }

            return new CapPoint(latitude, longitude);
        }

        /// <summary>The whitespace-separated <c>sender,identifier,sent</c> triples.</summary>
        private List<CapReference>? References(XElement element, string path)
        {
            if (Text(element, path) is not { } text)
            {
                return null;
            }

            var references = new List<CapReference>();
            foreach (var entry in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = entry.Split(',');
                if (parts.Length != 3 || !IsIdentifier(parts[0]) || !IsIdentifier(parts[1]) || ParseDateTime(parts[2]) is not { } sent)
                {
                    Error(path, $"'{Shorten(entry)}' is not 'sender,identifier,sent' (sent as in <sent>)", element);
                    return null;
                }

                references.Add(new CapReference(parts[0], parts[1], sent));
            }

            if (references.Count == 0)
            {
                Error(path, "empty", element);
                return null;
            }

            return references;
        }

        private KeyValuePair<string, string>? ValuePair(XElement element, string path)
        {
            var children = Children(element, path, ValuePairSlots);
            var name = One(children, "valueName", Required, path);
            var value = One(children, "value", Text, path);
            return name is null || value is null ? null : new KeyValuePair<string, string>(name, value);
        }

        /// <summary>
        /// The CAP children of <paramref name="parent"/> by name, checked against the sequence <paramref name="slots"/>:
        /// each in its place, as often as allowed, the required ones present, nothing unknown. Elements of another
        /// namespace are refused, except an XML signature at the end of <c>alert</c>.
        /// </summary>
        private Dictionary<string, List<XElement>> Children(XElement parent, string path, Slot[] slots, bool signatureLast = false)
        {
            var found = slots.ToDictionary(s => s.Name, _ => new List<XElement>(), StringComparer.Ordinal);
            var position = 0;
            var signed = false;
            foreach (var child in parent.Elements())
            {
                var name = child.Name.LocalName;
                if (child.Name.Namespace != Cap)
                {
                    if (signatureLast && child.Name.NamespaceName == XmlSignatureNamespace)
                    {
                        signed = true;
                    }
                    else
                    {
                        Error(Join(path, name), $"an element of namespace '{child.Name.NamespaceName}' has no place here in CAP 1.2", child);
                    }

                    continue;
                }

                var index = Array.FindIndex(slots, s => s.Name == name);
                if (index < 0)
                {
                    Error(Join(path, name), $"not an element of CAP 1.2's <{ElementName(parent)}>", child);
                    continue;
                }

                var slot = slots[index];
                var list = found[name];
                var here = slot.Max > 1 ? Join(path, $"{name}[{list.Count}]") : Join(path, name);
                if (signed)
                {
                    Error(here, "after the XML signature, which is the last element of <alert>", child);
                }
                else if (list.Count == slot.Max)
                {
                    Error(here, $"<{name}> appears more than once", child);
                }
                else
                {
                    // Out of order is reported, and the element still read (so it is not also "required").
                    if (index < position)
                    {
                        Error(here, $"out of order: CAP 1.2 puts <{name}> before <{slots[position].Name}>", child);
                    }

                    position = Math.Max(position, index);
                    list.Add(child);
                }
            }

            foreach (var slot in slots.Where(s => s.Min > 0 && found[s.Name].Count == 0))
            {
                Error(Join(path, slot.Max > 1 ? $"{slot.Name}[0]" : slot.Name), "required", parent);
            }

            return found;
        }

        /// <summary>The value of an element that appears at most once, read by <paramref name="read"/>; null when it is
        /// absent or wrong (reported).</summary>
        private T? One<T>(Dictionary<string, List<XElement>> children, string name, Func<XElement, string, T?> read, string path = "")
            where T : class =>
            children[name] is [var element] ? read(element, Join(path, name)) : null;

        private DateTimeOffset? One(Dictionary<string, List<XElement>> children, string name, Func<XElement, string, DateTimeOffset?> read, string path = "") =>
            children[name] is [var element] ? read(element, Join(path, name)) : null;

        private string? Identifier(Dictionary<string, List<XElement>> children, string name)
        {
            var value = One(children, name, Required);
            if (value is not null && !IsIdentifier(value))
            {
                Error(name, $"'{Shorten(value)}' contains a space, a comma, '<', '&' or a control character", children[name][0]);
                return null;
            }

            return value;
        }

        private string? Text(XElement element, string path)
        {
            if (element.HasElements)
            {
                Error(path, "holds elements; CAP 1.2 gives it a text value", element);
                return null;
            }

            return element.Value.Trim();
        }

        private string? Required(XElement element, string path) => Text(element, path) switch
        {
            null => null,
            "" => Error(path, "empty", element),
            var text => text,
        };

        private string? Enumeration(XElement element, string path, string[] values)
        {
            var text = Text(element, path);
            return text is null || values.Contains(text, StringComparer.Ordinal)
                ? text
                : Error(path, $"'{Shorten(text)}' is not one of {string.Join(", ", values)}", element);
        }

        private string? Pattern(XElement element, string path, Regex pattern, string what)
        {
            var text = Text(element, path);
            return text is null || pattern.IsMatch(text) ? text : Error(path, $"'{Shorten(text)}' is {what}", element);
        }

        private string? Decimal(XElement element, string path) => Pattern(element, path, DecimalPattern(), "not a decimal number");

        private string? Uri(XElement element, string path)
        {
            var text = Text(element, path);
            return text is null || System.Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out _)
                ? text
                : Error(path, $"'{Shorten(text)}' is not a URI", element);
        }

        private DateTimeOffset? DateTime(XElement element, string path)
        {
            if (Text(element, path) is not { } text)
            {
                return null;
            }

            if (ParseDateTime(text) is { } value)
            {
                return value;
            }

            Error(path, $"'{Shorten(text)}' is not a CAP date and time: YYYY-MM-DDThh:mm:ss and a time zone such as +08:00 (never 'Z'; UTC is +00:00)", element);
            return null;
        }

        private string? Error(string path, string message, XElement element)
        {
            var line = ((IXmlLineInfo)element).HasLineInfo() ? $" (line {((IXmlLineInfo)element).LineNumber})" : string.Empty;
            Errors.Add(new FieldError(path.Length == 0 ? "alert" : path, message + line));
            return null;
        }

        private static string ElementName(XElement element) => element.Name.LocalName;

        private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
    }

    /// <summary>A CAP date and time (the schema's pattern, and a real date).</summary>
    private static DateTimeOffset? ParseDateTime(string text) =>
        DateTimePattern().IsMatch(text) && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : null;

    /// <summary>CAP's rule for <c>identifier</c> and <c>sender</c>: no spaces, commas or restricted characters ('&lt;' and
    /// '&amp;'); control characters are refused too.</summary>
    private static bool IsIdentifier(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or '<' or '&');

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "...";

    [GeneratedRegex(@"^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)$")]
    private static partial Regex DecimalPattern();
}
