using System.CommandLine;
using System.Globalization;
using CityBrain.Storage;
using Spectre.Console;

namespace CityBrain.Silo.Commands;

/// <summary><c>citybrain outbox list|retry|discard</c>: the outbox's messages (dead letters by default) on the configured
/// database, without a silo; a retried message goes out at the next poll of the silo that owns its shard.</summary>
internal static class OutboxCommand
{
    public static Command Create()
    {
        var command = new Command("outbox", "List, retry or discard outbox messages (dead letters) on the configured database.");
        var state = new Option<OutboxState>("--state") { Description = "Which messages to list: Dead (default), Pending, Delivered, Discarded.", DefaultValueFactory = _ => OutboxState.Dead };
        var limit = new Option<int>("--limit") { Description = "At most this many (1..1000).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List outbox messages, oldest first.") { state, limit };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parse, cancellationToken) => ListAsync(parse.GetValue(state), parse.GetValue(limit), [.. parse.UnmatchedTokens], cancellationToken));
        command.Subcommands.Add(list);
        command.Subcommands.Add(Change("retry", "Send a dead letter again (same id, attempts counted afresh).", (admin, id, ct) => admin.RetryAsync(id, ct)));
        command.Subcommands.Add(Change("discard", "Discard a dead letter (never delivered; its incident's later messages go on).", (admin, id, ct) => admin.DiscardAsync(id, ct)));
        return command;
    }

    private static Command Change(string name, string description, Func<OutboxAdmin, string, CancellationToken, Task<bool>> change)
    {
        var id = new Argument<string>("id") { Description = "The message id (its idempotency key)." };
        var command = new Command(name, description) { id };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var messageId = parse.GetValue(id)!;
            await using var admin = OutboxAdmin.Open(MaintenanceHost.Read([.. parse.UnmatchedTokens]).Storage);
            if (await change(admin, messageId, cancellationToken))
            {
                Console.Out.WriteLine($"{name}: {messageId} done");
                return 0;
            }

            var current = await admin.GetAsync(messageId, cancellationToken);
            Console.Error.WriteLine(current is null
                ? $"No outbox message {messageId}."
                : OutboxAdmin.NotADeadLetter(current, name));
            return 1;
        });
        return command;
    }

    private static async Task<int> ListAsync(OutboxState state, int limit, string[] configurationArgs, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            Console.Error.WriteLine("--limit must be between 1 and 1000.");
            return 2;
        }

        await using var admin = OutboxAdmin.Open(MaintenanceHost.Read(configurationArgs).Storage);
        var messages = await admin.ListAsync(state, 0, limit, cancellationToken);
        var console = Terminal.Output();
        if (messages.Count == 0)
        {
            console.MarkupLine($"No {state.ToString().ToLowerInvariant()} outbox messages.");
            return 0;
        }

        var table = new Table().AddColumns("id", "subscriber", "incident", "created", "attempts", "next attempt", "last error");
        foreach (var message in messages)
        {
            table.AddRow(
                Markup.Escape(message.Id),
                Markup.Escape(message.Subscriber),
                Markup.Escape(message.OrderingKey),
                message.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                message.Attempts.ToString(CultureInfo.InvariantCulture),
                message.NextAttemptAt.ToString("u", CultureInfo.InvariantCulture),
                Markup.Escape(message.LastError ?? ""));
        }

        table.Title($"{messages.Count} {state.ToString().ToLowerInvariant()} outbox messages");
        console.Write(table);
        return 0;
    }
}
