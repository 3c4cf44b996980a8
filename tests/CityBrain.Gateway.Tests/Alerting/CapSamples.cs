using System.Globalization;

namespace CityBrain.Gateway.Tests.Alerting;

/// <summary>
/// CAP 1.2 documents written for these tests in the shapes of the specification's examples (an alert with a polygon,
/// parameters, a resource and the optional elements; an update with references and a circle; a cancel), placed in the
/// demo city. Each test gives its own identifiers, so tests sharing a server never meet.
/// </summary>
internal static class CapSamples
{
    public const string Sender = "video-platform@hz.example";

    /// <summary>An alert message: the header, then <paramref name="infos"/> (default: one fire <c>info</c> around
    /// <paramref name="at"/>).</summary>
    public static string Document(
        string identifier,
        DateTimeOffset sent,
        (double Longitude, double Latitude) at,
        string status = "Actual",
        string msgType = "Alert",
        string? references = null,
        string? infos = null) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>{identifier}</identifier>
          <sender>{Sender}</sender>
          <sent>{Time(sent)}</sent>
          <status>{status}</status>
          <msgType>{msgType}</msgType>
          <source>视频智能分析平台</source>
          <scope>Public</scope>
          <code>profile:citybrain:0.1</code>
          <note>为测试编写</note>{(references is null ? "" : $"\n  <references>{references}</references>")}
        {infos ?? FireInfo(at)}
        </alert>
        """;

    /// <summary>An <c>info</c> in the shape of the specification's warning example: language, category, event,
    /// responseType, urgency, severity, certainty, eventCode, expires, senderName, headline, description, instruction,
    /// parameters, a resource, and an area with a polygon (a square of about 40 m around the point) and a geocode.</summary>
    public static string FireInfo((double Longitude, double Latitude) at, string eventName = "火灾", string severity = "Severe", string? area = null) =>
        $"""
          <info>
            <language>zh-CN</language>
            <category>Fire</category>
            <event>{eventName}</event>
            <responseType>Evacuate</responseType>
            <urgency>Immediate</urgency>
            <severity>{severity}</severity>
            <certainty>Observed</certainty>
            <eventCode><valueName>GB/T 35965</valueName><value>11B01</value></eventCode>
            <expires>2099-12-31T23:59:59+08:00</expires>
            <senderName>湖滨街道视频智能分析平台</senderName>
            <headline>湖滨路 12 号 烟火告警</headline>
            <description>摄像机 CAM-0012 检测到明火与浓烟</description>
            <instruction>请就近疏散</instruction>
            <web>https://video.hz.example/alerts</web>
            <parameter><valueName>cameraId</valueName><value>CAM-0012</value></parameter>
            <resource>
              <resourceDesc>告警截图</resourceDesc>
              <mimeType>image/jpeg</mimeType>
              <size>48213</size>
              <uri>https://video.hz.example/snapshots/cam-0012.jpg</uri>
            </resource>
        {area ?? Square(at)}
          </info>
        """;

    /// <summary>An area with a polygon of about 40 m around the point, and a geocode.</summary>
    public static string Square((double Longitude, double Latitude) at, double half = 0.0002) =>
        $"""
            <area>
              <areaDesc>湖滨路 12 号</areaDesc>
              <polygon>{Polygon(at, half)}</polygon>
              <geocode><valueName>grid</valueName><value>g001</value></geocode>
            </area>
        """;

    /// <summary>A closed square ring around the point, as CAP writes it (lat,lon pairs).</summary>
    public static string Polygon((double Longitude, double Latitude) at, double half = 0.0002)
    {
        var (lon, lat) = at;
        return string.Join(' ', new[] { (lat - half, lon - half), (lat - half, lon + half), (lat + half, lon + half), (lat + half, lon - half), (lat - half, lon - half) }
            .Select(p => Pair(p.Item1, p.Item2)));
    }

    /// <summary>An area with a circle of 100 m around the point, in the shape of the specification's earthquake example.</summary>
    public static string Circle((double Longitude, double Latitude) at) =>
        $"""
            <area>
              <areaDesc>湖滨路口</areaDesc>
              <circle>{Pair(at.Latitude, at.Longitude)} 0.1</circle>
            </area>
        """;

    /// <summary>The extended message identifier <c>sender,identifier,sent</c> of an earlier message.</summary>
    public static string Reference(string identifier, DateTimeOffset sent) => $"{Sender},{identifier},{Time(sent)}";

    /// <summary>A CAP date and time: seconds and a numeric time zone (China's, as a platform here sends it).</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The document with the first <paramref name="replace"/> replaced by <paramref name="with"/>; with
    /// <c>&lt;!--</c>, the element <paramref name="replace"/> opens is commented out to its end tag.</summary>
    public static string Break(string document, string replace, string with)
    {
        var at = document.IndexOf(replace, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the sample has no '{replace}'");
        if (with != "<!--")
        {
            return document[..at] + with + document[(at + replace.Length)..];
        }

        var end = document.IndexOf("</" + replace[1..], at, StringComparison.Ordinal) + replace.Length + 1;
        return document[..at] + "<!--" + document[at..end] + "-->" + document[end..];
    }

    public static string NewIdentifier() => "VA-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private static string Pair(double latitude, double longitude) =>
        latitude.ToString("0.0000000", CultureInfo.InvariantCulture) + "," + longitude.ToString("0.0000000", CultureInfo.InvariantCulture);
}
