using System.Text;
using System.Xml;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Alerting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Net.Http.Headers;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>
/// Alerting systems: OASIS CAP 1.2 documents (<see cref="CapDocument"/> checks them, <see cref="CapMapping"/> maps
/// them) and video-analytics boxes' JSON alarms (<see cref="VideoAlarms"/>), both submitted through
/// <see cref="AlertIntake"/> as the caller, a feed, for its own source. Errors of the intake are renamed to the element
/// or field of the caller's message they came from.
/// </summary>
internal sealed class AlertsService(AlertIntake alerts, CityDirectory city) : Alerts.AlertsBase
{
    /// <summary>The receipt's XML namespace.</summary>
    public const string ReceiptNamespace = "urn:citybrain:alerts:receipt:1";

    private static readonly string[] XmlTypes = ["application/cap+xml", "application/xml", "text/xml"];
    // As JSON transcoding writes the video webhook's receipt: every field, enums by name.
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public override async Task<HttpBody> SubmitCap(HttpBody request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !XmlTypes.Contains(type.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            throw new ValidationException("content-type", $"'{request.ContentType}' is not {string.Join(", ", XmlTypes)}");
        }

        var alert = CapDocument.Parse(request.Data.ToByteArray());
        var receipt = new AlertReceipt { Sender = alert.Sender, Identifier = alert.Identifier, Outcome = AlertOutcome.NotStored };
        if (CapMapping.GoesToIntake(alert))
        {
            var mapped = CapMapping.Map(alert, city.Require(), actor.Source);
            Fill(receipt, await SubmitAsync(actor, mapped.Submission, mapped.ElementOf));
        }

        return Answer(receipt, context);
    }

    public override async Task<AlertReceipt> SubmitVideoAlarm(VideoAlarm request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        var submission = VideoAlarms.Map(request, city.Require(), actor.Source);
        var receipt = new AlertReceipt { Sender = actor.Source, Identifier = request.AlarmId, Outcome = AlertOutcome.NotStored };
        Fill(receipt, await SubmitAsync(actor, submission, VideoAlarms.FieldOf));
        return receipt;
    }

    private async Task<SubmitAck?> SubmitAsync(Actor actor, AlertSubmission submission, Func<string, string> rename)
    {
        try
        {
            return await alerts.SubmitAsync(actor, submission);
        }
        catch (ValidationException exception)
        {
            throw new ValidationException(exception.Errors.Select(e => e.Path.Length > 0 ? e with { Path = rename(e.Path) } : e).ToList());
        }
    }

    private static void Fill(AlertReceipt receipt, SubmitAck? ack)
    {
        if (ack is null)
        {
            return;
        }

        receipt.IncidentId = ack.IncidentId;
        receipt.Outcome = ack.Outcome switch
        {
            IntakeOutcome.Created => AlertOutcome.Created,
            IntakeOutcome.Existing => AlertOutcome.Existing,
            IntakeOutcome.Merged => AlertOutcome.Merged,
            IntakeOutcome.Retracted => AlertOutcome.Retracted,
            _ => AlertOutcome.Unspecified,
        };
        receipt.Exercise = ack.Exercise;
        receipt.AlertCount = ack.AlertCount;
    }

    /// <summary>The receipt as XML, or as JSON when the caller accepts JSON and no XML.</summary>
    private static HttpBody Answer(AlertReceipt receipt, ServerCallContext context)
    {
        var accept = context.GetHttpContext().Request.Headers.Accept;
        if (MediaTypeHeaderValue.TryParseList(accept, out var types)
            && types.Any(t => t.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            && !types.Any(t => XmlTypes.Contains(t.MediaType.Value, StringComparer.OrdinalIgnoreCase)))
        {
            return new HttpBody { ContentType = "application/json; charset=utf-8", Data = ByteString.CopyFromUtf8(Json.Format(receipt)) };
        }

        return new HttpBody { ContentType = "application/xml; charset=utf-8", Data = ByteString.CopyFrom(ReceiptXml(receipt)) };
    }

    /// <summary>
    /// <c>&lt;receipt xmlns="urn:citybrain:alerts:receipt:1"&gt;</c> with <c>sender</c>, <c>identifier</c>,
    /// <c>outcome</c> (created, existing, merged, retracted, not_stored), <c>incidentId</c> (when stored),
    /// <c>exercise</c> and <c>alertCount</c>.
    /// </summary>
    private static byte[] ReceiptXml(AlertReceipt receipt)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            writer.WriteStartElement("receipt", ReceiptNamespace);
            writer.WriteElementString("sender", ReceiptNamespace, receipt.Sender);
            writer.WriteElementString("identifier", ReceiptNamespace, receipt.Identifier);
            writer.WriteElementString("outcome", ReceiptNamespace, OutcomeName(receipt.Outcome));
            if (receipt.IncidentId.Length > 0)
            {
                writer.WriteElementString("incidentId", ReceiptNamespace, receipt.IncidentId);
            }

            writer.WriteElementString("exercise", ReceiptNamespace, receipt.Exercise ? "true" : "false");
            writer.WriteElementString("alertCount", ReceiptNamespace, receipt.AlertCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndElement();
        }

        return buffer.ToArray();
    }

    private static string OutcomeName(AlertOutcome outcome) => outcome switch
    {
        AlertOutcome.Created => "created",
        AlertOutcome.Existing => "existing",
        AlertOutcome.Merged => "merged",
        AlertOutcome.Retracted => "retracted",
        AlertOutcome.NotStored => "not_stored",
        _ => "unspecified",
    };
}
