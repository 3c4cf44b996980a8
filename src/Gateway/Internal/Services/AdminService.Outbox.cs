using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Admin, the outbox's dead letters: <see cref="OutboxAdmin"/> on the silo's database.</summary>
internal sealed partial class AdminService
{
    private const int DefaultPageSize = 100;

    public override async Task<ListOutboxResponse> ListOutbox(ListOutboxRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 1000)
        {
            throw new ValidationException("page_size", "must be between 1 and 1000 (0: 100)");
        }

        if (request.AfterSequence < 0)
        {
            throw new ValidationException("after_sequence", "must not be negative");
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var state = request.State == OutboxMessageState.Unspecified ? OutboxState.Dead : ToStorage(request.State);
        var page = await outbox.ListAsync(state, request.AfterSequence, pageSize, context.CancellationToken);
        var response = new ListOutboxResponse { NextAfterSequence = page.Count == pageSize ? page[^1].Sequence : 0 };
        response.Messages.AddRange(page.Select(ToApi));
        return response;
    }

    public override Task<OutboxMessageInfo> RetryOutbox(OutboxMessageRef request, ServerCallContext context) =>
        ChangeDeadLetterAsync(request, "retry", outbox.RetryAsync, context.CancellationToken);

    public override Task<OutboxMessageInfo> DiscardOutbox(OutboxMessageRef request, ServerCallContext context) =>
        ChangeDeadLetterAsync(request, "discard", outbox.DiscardAsync, context.CancellationToken);

    private async Task<OutboxMessageInfo> ChangeDeadLetterAsync(OutboxMessageRef request, string action, Func<string, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        if (request.Id.Length == 0)
        {
            throw new ValidationException("id", "required");
        }

        if (!await change(request.Id, cancellationToken))
        {
            var current = await outbox.GetAsync(request.Id, cancellationToken) ?? throw new NotFoundException("outbox message", request.Id);
            throw new IllegalTransitionException(OutboxAdmin.NotADeadLetter(current, action));
        }

        return ToApi((await outbox.GetAsync(request.Id, cancellationToken))!);
    }

    private static OutboxMessageInfo ToApi(OutboxRecord record) => new()
    {
        Id = record.Id,
        Subscriber = record.Subscriber,
        OrderingKey = record.OrderingKey,
        Payload = record.Payload,
        CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
        Attempts = record.Attempts,
        NextAttemptAt = Timestamp.FromDateTimeOffset(record.NextAttemptAt),
        State = record.State switch
        {
            OutboxState.Pending => OutboxMessageState.Pending,
            OutboxState.Delivered => OutboxMessageState.Delivered,
            OutboxState.Dead => OutboxMessageState.Dead,
            _ => OutboxMessageState.Discarded,
        },
        LastError = record.LastError ?? "",
        Sequence = record.Sequence,
    };

    private static OutboxState ToStorage(OutboxMessageState state) => state switch
    {
        OutboxMessageState.Pending => OutboxState.Pending,
        OutboxMessageState.Delivered => OutboxState.Delivered,
        OutboxMessageState.Dead => OutboxState.Dead,
        OutboxMessageState.Discarded => OutboxState.Discarded,
        _ => throw new ValidationException("state", $"unknown state {state}"),
    };
}
