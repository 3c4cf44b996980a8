using System.Globalization;
using System.Text.RegularExpressions;
using CityBrain.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityBrain.Grains.Internal;

/// <summary>
/// Reads a YAML (or JSON) document node by node, collecting every problem with its path (e.g.
/// <c>grids[12].polygon</c>) instead of stopping at the first one. Used for the city file and drill scenarios.
/// </summary>
internal sealed partial class DocumentReader
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public void Error(string path, string message) => _errors.Add(new FieldError(path.Length == 0 ? "(document)" : path, message));

    /// <summary>Parses the text; a syntax error is reported at <c>(document)</c> with its line and column.</summary>
    public YamlMappingNode? Load(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(string.Empty, "the document is empty");
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1)
            {
                Error(string.Empty, $"expected one document, found {stream.Documents.Count}");
                return null;
            }

            return Map(stream.Documents[0].RootNode, string.Empty);
        }
        catch (YamlException exception)
        {
            Error(string.Empty, $"not valid YAML or JSON at line {exception.Start.Line}, column {exception.Start.Column}: {exception.Message}");
            return null;
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => $"{path}[{index}]";

    /// <summary>Reports keys of <paramref name="map"/> that are not in <paramref name="allowed"/> (typos must not pass silently).</summary>
    public void OnlyKeys(YamlMappingNode map, string path, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "?";
            if (Array.IndexOf(allowed, name) < 0)
            {
                Error(Join(path, name), "unknown field");
            }
        }
    }

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    public YamlMappingNode? Map(YamlNode? node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(path, node is null ? "required" : "must be an object");
        return null;
    }

    public YamlMappingNode? Map(YamlMappingNode parent, string key, string path, bool required)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        return Map(node, Join(path, key));
    }

    public YamlSequenceNode? Sequence(YamlMappingNode parent, string key, string path, bool required)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(Join(path, key), "must be a list");
        return null;
    }

    public string? Scalar(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        Error(path, "must be a single value");
        return null;
    }

    public string? String(YamlMappingNode map, string key, string path, bool required)
    {
        var node = Get(map, key);
        if (node is null)
        {
            if (required)
            {
                Error(Join(path, key), "required");
            }

            return null;
        }

        var value = Scalar(node, Join(path, key));
        if (value is not null && required && value.Trim().Length == 0)
        {
            Error(Join(path, key), "must not be empty");
            return null;
        }

        return value?.Trim();
    }

    /// <summary>An identifier: letters, digits, '-', '_', '.', at most 64 characters.</summary>
    public string? Id(YamlMappingNode map, string key, string path)
    {
        var value = String(map, key, path, required: true);
        if (value is not null && !IdPattern().IsMatch(value))
        {
            Error(Join(path, key), $"'{value}' is not an id (letters, digits, '-', '_' or '.', at most 64)");
            return null;
        }

        return value;
    }

    public double? Number(YamlNode node, string path)
    {
        var text = Scalar(node, path);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        Error(path, $"'{text}' is not a number");
        return null;
    }

    public bool? Bool(YamlMappingNode map, string key, string path)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        var text = Scalar(node, Join(path, key));
        switch (text?.ToLowerInvariant())
        {
            case null:
                return null;
            case "true" or "yes":
                return true;
            case "false" or "no":
                return false;
            default:
                Error(Join(path, key), $"'{text}' is not true or false");
                return null;
        }
    }

    /// <summary>A duration such as <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>2d</c>; <c>0</c> or <c>off</c> = zero.</summary>
    public TimeSpan? Duration(YamlMappingNode map, string key, string path, bool allowZero = true)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        var text = Scalar(node, Join(path, key));
        if (text is null)
        {
            return null;
        }

        if (TryParseDuration(text, out var value) && (allowZero || value > TimeSpan.Zero))
        {
            return value;
        }

        Error(Join(path, key), $"'{text}' is not a duration{(allowZero ? string.Empty : " above zero")} (e.g. 90s, 10m, 1h30m, 2d)");
        return null;
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim().ToLowerInvariant();
        if (text is "0" or "off")
        {
            return true;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        try
        {
            value = TimeSpan.FromDays(Part(match, "d")) + TimeSpan.FromHours(Part(match, "h")) + TimeSpan.FromMinutes(Part(match, "m")) + TimeSpan.FromSeconds(Part(match, "s"));
        }
        catch (OverflowException)
        {
            return false;
        }

        return value < TimeSpan.FromDays(3650);
    }

    private static double Part(Match match, string group) =>
        match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    /// <summary>A value from a fixed vocabulary; accepts any of the spellings given (e.g. English and Chinese).</summary>
    public T? Choice<T>(YamlMappingNode map, string key, string path, bool required, IReadOnlyDictionary<string, T> choices) where T : struct
    {
        var text = String(map, key, path, required);
        if (text is null)
        {
            return null;
        }

        if (choices.TryGetValue(text.ToLowerInvariant(), out var value))
        {
            return value;
        }

        Error(Join(path, key), $"'{text}' is not one of: {string.Join(", ", choices.Keys)}");
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s)?$")]
    private static partial Regex DurationPattern();
}
