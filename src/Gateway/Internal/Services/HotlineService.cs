using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.City;
using CityBrain.Grains.Intake;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>
/// The 12345 work-order adapter: checks a work order in its own terms (each error names the work order's field), maps
/// it onto an intake event of the feed's own source — work-order number as the source event id, the hotline's category
/// through the city file, urgency as severity, the caller as reporter, the time limit as the reply-by time — and submits
/// it through <see cref="IncidentIntake"/>, the path of EventIntake.Submit. Status updates and the closing reply go back
/// from the incident grain through the outbox (CityBrain:Replies).
/// </summary>
internal sealed class HotlineService(IncidentIntake intake, CityDirectory city, TimeProvider time) : Hotline.HotlineBase
{
    private const int MaxWorkOrderNo = 64;
    private const int MaxName = 64;
    private const int MaxPhone = 32;
    private const int MaxAddress = 500;
    private const int MaxRequestText = 4000; // an intake event's description

    public override async Task<WorkOrderReceipt> SubmitWorkOrder(WorkOrder request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        var intakeEvent = ToIntakeEvent(request, city.Require(), actor.Source);
        var ack = await intake.SubmitAsync(actor, intakeEvent);
        return new WorkOrderReceipt
        {
            WorkOrderNo = request.WorkOrderNo,
            IncidentId = ack.IncidentId,
            ReceivedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Duplicate = ack.Outcome == IntakeOutcome.Existing,
        };
    }

    /// <summary>The intake event of a work order, or <see cref="ValidationException"/> listing every bad field.</summary>
    internal static IntakeEvent ToIntakeEvent(WorkOrder order, CityModel city, string source)
    {
        var errors = new List<FieldError>();
        if (order.WorkOrderNo.Length == 0)
        {
            errors.Add(new FieldError("work_order_no", "required"));
        }
        else if (order.WorkOrderNo.Length > MaxWorkOrderNo || !order.WorkOrderNo.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add(new FieldError("work_order_no", $"at most {MaxWorkOrderNo} letters, digits, '-' or '_'"));
        }

        if (order.RequestText.Length == 0)
        {
            errors.Add(new FieldError("request_text", "required"));
        }
        else if (order.RequestText.Length > MaxRequestText)
        {
            errors.Add(new FieldError("request_text", $"longer than {MaxRequestText} characters"));
        }

        if (order.CallerName.Length > MaxName)
        {
            errors.Add(new FieldError("caller_name", $"longer than {MaxName} characters"));
        }

        if (order.CallerPhone.Length > MaxPhone || !order.CallerPhone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' '))
        {
            errors.Add(new FieldError("caller_phone", $"at most {MaxPhone} digits, '+', '-' or spaces"));
        }

        string? category = null;
        if (order.Category.Length == 0)
        {
            errors.Add(new FieldError("category", "required"));
        }
        else if (!city.HotlineCategories.TryGetValue(order.Category, out category))
        {
            errors.Add(new FieldError("category", $"unknown hotline category '{order.Category}' (city file: intake.hotline_categories)"));
        }

        if (order.Address.Length > MaxAddress)
        {
            errors.Add(new FieldError("address", $"longer than {MaxAddress} characters"));
        }

        if (order.Coordinates is { } at)
        {
            if (!double.IsFinite(at.Latitude) || at.Latitude is < -90 or > 90)
            {
                errors.Add(new FieldError("coordinates.latitude", "out of range"));
            }

            if (!double.IsFinite(at.Longitude) || at.Longitude is < -180 or > 180)
            {
                errors.Add(new FieldError("coordinates.longitude", "out of range"));
            }
        }
        else if (order.Address.Length == 0)
        {
            errors.Add(new FieldError("address", "required when there are no coordinates"));
        }

        if (!System.Enum.IsDefined(order.Urgency))
        {
            errors.Add(new FieldError("urgency", "unknown"));
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var location = new Location { Address = order.Address };
        if (order.Coordinates is { } coordinates)
        {
            location.Latitude = coordinates.Latitude;
            location.Longitude = coordinates.Longitude;
        }

        return new IntakeEvent
        {
            Source = source,
            SourceEventId = order.WorkOrderNo,
            CategoryCode = category!,
            Severity = order.Urgency switch
            {
                WorkOrderUrgency.Normal => Severity.Normal,
                WorkOrderUrgency.Urgent => Severity.High,
                WorkOrderUrgency.VeryUrgent => Severity.Critical,
                _ => Severity.Unspecified,
            },
            Location = location,
            Description = order.RequestText,
            OccurredAt = order.ReceivedAt,
            ReplyBy = order.TimeLimit,
            Reporter = order.CallerName.Length > 0 || order.CallerPhone.Length > 0
                ? new Reporter { Name = order.CallerName, Phone = order.CallerPhone }
                : null,
        };
    }
}
