using System.Text;
using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Alerting;

namespace CityBrain.Gateway.Tests.Alerting;

/// <summary>The CAP 1.2 reader on its own: documents in the shapes of the specification's examples parse with every
/// part the center uses; each kind of broken document is refused naming the element.</summary>
public sealed class CapDocumentTests
{
    private static readonly (double Longitude, double Latitude) At = (120.151, 30.2609);
    private static readonly DateTimeOffset Sent = new(2026, 12, 3, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Parse_AlertInTheShapeOfTheSpecificationsWarning_ReadsEveryPartTheCenterUses()
    {
        var alert = CapDocument.Parse(Bytes(CapSamples.Document("VA-1", Sent, At)));

        Assert.Equal(("VA-1", CapSamples.Sender, Sent, "Actual", "Alert"), (alert.Identifier, alert.Sender, alert.Sent, alert.Status, alert.MsgType));
        var info = Assert.Single(alert.Infos);
        Assert.Equal(["Fire"], info.Categories);
        Assert.Equal(("火灾", "Immediate", "Severe", "Observed"), (info.Event, info.Urgency, info.Severity, info.Certainty));
        Assert.Equal("湖滨路 12 号 烟火告警", info.Headline);
        Assert.Equal(new KeyValuePair<string, string>("cameraId", "CAM-0012"), Assert.Single(info.Parameters));
        Assert.Equal("https://video.hz.example/snapshots/cam-0012.jpg", Assert.Single(info.Resources).Uri);
        var polygon = Assert.Single(Assert.Single(info.Areas).Polygons);
        Assert.Equal(5, polygon.Count);
        var centre = CapMapping.Centroid(polygon);
        Assert.Equal(At.Latitude, centre.Latitude, 7);
        Assert.Equal(At.Longitude, centre.Longitude, 7);
    }

    [Fact]
    public void Parse_UpdateWithReferencesAndACircle_ReadsThem()
    {
        var document = CapSamples.Document("VA-2", Sent, At, msgType: "Update",
            references: CapSamples.Reference("VA-1", Sent) + " other@hz.example,X-9,2026-12-03T08:00:00-00:00",
            infos: CapSamples.FireInfo(At, area: CapSamples.Circle(At)));

        var alert = CapDocument.Parse(Bytes(document));

        Assert.Equal([(CapSamples.Sender, "VA-1"), ("other@hz.example", "X-9")], alert.References.Select(r => (r.Sender, r.Identifier)));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero), alert.References[1].Sent);
        var circle = Assert.Single(Assert.Single(alert.Infos[0].Areas).Circles);
        Assert.Equal((At.Latitude, At.Longitude, 0.1), (circle.Centre.Latitude, circle.Centre.Longitude, circle.RadiusKm));
    }

    [Fact]
    public void Parse_CancelWithoutInfoAndASignatureAtTheEnd_Parses()
    {
        var document = $"""
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>VA-3</identifier><sender>{CapSamples.Sender}</sender><sent>2026-12-03T09:10:00+08:00</sent>
              <status>Actual</status><msgType>Cancel</msgType><scope>Private</scope><addresses>citybrain</addresses>
              <references>{CapSamples.Reference("VA-1", Sent)}</references>
              <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>
            </alert>
            """;

        var alert = CapDocument.Parse(Bytes(document));

        Assert.Equal("Cancel", alert.MsgType);
        Assert.Empty(alert.Infos);
        Assert.Equal("VA-1", Assert.Single(alert.References).Identifier);
    }

    public static TheoryData<string, string, string, string> Broken() => new()
    {
        { "missing identifier", "<identifier>VA-1</identifier>", "", "identifier: required" },
        { "identifier with a space", "<identifier>VA-1</identifier>", "<identifier>VA 1</identifier>", "identifier: 'VA 1' contains a space" },
        { "status not in the enumeration", "<status>Actual</status>", "<status>Real</status>", "status: 'Real' is not one of Actual, Exercise, System, Test, Draft" },
        { "msgType missing", "<msgType>Alert</msgType>", "", "msgType: required" },
        { "scope missing", "<scope>Public</scope>", "", "scope: required" },
        { "private scope without addresses", "<scope>Public</scope>", "<scope>Private</scope>", "addresses: required when the scope is Private" },
        { "sent in UTC with Z", "<sent>2026-12-03T09:00:00+08:00</sent>", "<sent>2026-12-03T01:00:00Z</sent>", "sent: '2026-12-03T01:00:00Z' is not a CAP date and time" },
        { "sent without a time zone", "<sent>2026-12-03T09:00:00+08:00</sent>", "<sent>2026-12-03T09:00:00</sent>", "sent: " },
        { "elements out of order", "<status>Actual</status>\n  <msgType>Alert</msgType>", "<msgType>Alert</msgType>\n  <status>Actual</status>", "status: out of order" },
        { "an element CAP does not have", "<note>", "<priority>1</priority><note>", "priority: not an element of CAP 1.2's <alert>" },
        { "an element of another namespace", "<note>", "<x:extra xmlns:x=\"urn:example\"/><note>", "extra: an element of namespace 'urn:example'" },
        { "urgency not in the enumeration", "<urgency>Immediate</urgency>", "<urgency>Now</urgency>", "info[0].urgency: 'Now' is not one of" },
        { "category not in the enumeration", "<category>Fire</category>", "<category>Blaze</category>", "info[0].category[0]: 'Blaze' is not one of" },
        { "certainty of CAP 1.1", "<certainty>Observed</certainty>", "<certainty>Very Likely</certainty>", "info[0].certainty: 'Very Likely' is not one of" },
        { "event missing", "<event>火灾</event>", "", "info[0].event: required" },
        { "severity twice", "<severity>Severe</severity>", "<severity>Severe</severity><severity>Minor</severity>", "info[0].severity: <severity> appears more than once" },
        { "expires without a time zone", "<expires>2099-12-31T23:59:59+08:00</expires>", "<expires>2099-12-31T23:59:59</expires>", "info[0].expires: " },
        { "resource without mimeType", "<mimeType>image/jpeg</mimeType>", "", "info[0].resource[0].mimeType: required" },
        { "size not an integer", "<size>48213</size>", "<size>48 KB</size>", "info[0].resource[0].size: '48 KB' is not an integer" },
        { "area without areaDesc", "<areaDesc>湖滨路 12 号</areaDesc>", "", "info[0].area[0].areaDesc: required" },
        { "polygon of three pairs", "<polygon>", "<polygon>30.26,120.15 30.27,120.15 30.26,120.15</polygon><polygon>", "info[0].area[0].polygon[0]: 3 coordinate pairs; a polygon has at least 4" },
        { "polygon not closed", "<polygon>", "<polygon>30.26,120.15 30.27,120.15 30.27,120.16 30.26,120.16</polygon><polygon>", "info[0].area[0].polygon[0]: the first and last coordinate pairs differ" },
        { "polygon with a bad pair", "<polygon>", "<polygon>30.26;120.15 30.27,120.15 30.27,120.16 30.26;120.15</polygon><polygon>", "info[0].area[0].polygon[0]: '30.26;120.15' is not a coordinate pair" },
        { "polygon out of range", "<polygon>", "<polygon>120.15,30.26 120.15,30.27 120.16,30.27 120.15,30.26</polygon><polygon>", "info[0].area[0].polygon[0]: '120.15,30.26' is out of range" },
        { "circle without a radius", "<geocode>", "<circle>30.26,120.15</circle><geocode>", "info[0].area[0].circle[0]: '30.26,120.15' is not 'lat,lon radius'" },
        { "ceiling without altitude", "</geocode>", "</geocode><ceiling>100</ceiling>", "info[0].area[0].ceiling: only with an altitude" },
        { "update without references", "<msgType>Alert</msgType>", "<msgType>Update</msgType>", "references: required for msgType Update" },
        { "references not triples", "<note>为测试编写</note>", "<note>为测试编写</note><references>VA-0</references>", "references: 'VA-0' is not 'sender,identifier,sent'" },
        { "text where elements go", "<parameter><valueName>cameraId</valueName><value>CAM-0012</value></parameter>", "<parameter>cameraId=CAM-0012</parameter>", "info[0].parameter[0].valueName: required" },
        { "elements where text goes", "<event>火灾</event>", "<event><b>火灾</b></event>", "info[0].event: holds elements" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Parse_BrokenDocument_RefusedNamingTheElement(string why, string replace, string with, string expected)
    {
        var document = CapSamples.Break(CapSamples.Document("VA-1", Sent, At), replace, with);

        var error = Assert.Throws<ValidationException>(() => CapDocument.Parse(Bytes(document)));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    public static TheoryData<string, string, string> Unreadable() => new()
    {
        { "not well-formed", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>VA-1</identifier>", "alert: not a well-formed XML document" },
        { "a DTD (entity expansion)", "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x \"xxxxxxxx\">]><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">&x;</alert>", "alert: not a well-formed XML document without a DTD" },
        { "CAP 1.1's namespace", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"/>", "alert: the namespace is 'urn:oasis:names:tc:emergency:cap:1.1', not CAP 1.2's" },
        { "no namespace", "<alert/>", "alert: the namespace is ''" },
        { "another document", "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", "alert: the document's element is <feed>" },
        { "empty", "", "alert: the document is empty" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Parse_UnreadableDocument_RefusedNamingTheAlert(string why, string document, string expected)
    {
        var error = Assert.Throws<ValidationException>(() => CapDocument.Parse(Bytes(document)));

        Assert.True(error.Message.StartsWith(expected, StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    [Fact]
    public void Parse_LargerThanTheLimit_RefusedBeforeReading()
    {
        var document = CapSamples.Document("VA-1", Sent, At).Replace("摄像机", new string('x', CapDocument.MaxBytes), StringComparison.Ordinal);

        var error = Assert.Throws<ValidationException>(() => CapDocument.Parse(Bytes(document)));

        Assert.Equal($"alert: the document is larger than {CapDocument.MaxBytes} bytes", error.Message);
    }

    [Fact]
    public void EventId_SenderAndIdentifier_HashedWhenTooLong()
    {
        Assert.Equal("a@b,ID-1", CapMapping.EventId("a@b", "ID-1"));
        var id = CapMapping.EventId("a@b", new string('i', 200));
        Assert.StartsWith("cap-sha256:", id, StringComparison.Ordinal);
        Assert.Equal(id, CapMapping.EventId("a@b", new string('i', 200)));
        Assert.NotEqual(id, CapMapping.EventId("a@c", new string('i', 200)));
    }

    private static byte[] Bytes(string document) => Encoding.UTF8.GetBytes(document);
}
