using System.Threading.Channels;

namespace CityBrain.Bench.OrleansRuntime;

/// <summary>The baseline: the smallest honest actor — one channel and one loop per actor, a
/// TaskCompletionSource per call — with none of the runtime's bookkeeping.</summary>
internal sealed class MailboxBaseline
{
    private readonly Channel<Message> _mailbox = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
    private int _calls;

    public MailboxBaseline()
    {
        _ = Task.Run(RunAsync);
    }

    public Task<int> Ping(int value)
    {
        var message = new Message(value);
        _mailbox.Writer.TryWrite(message);
        return message.Task;
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var message))
            {
                _calls++;
                message.SetResult(message.Value + 1);
            }
        }
    }

    private sealed class Message(int value) : TaskCompletionSource<int>
    {
        public int Value { get; } = value;
    }
}
