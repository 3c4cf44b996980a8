using System.Net;
using System.Net.Sockets;

namespace CityBrain.Testing;

/// <summary>
/// A receiver of webhooks on a loopback port (a fake hotline platform): records every request (path, headers, body,
/// in arrival order), answers with the status <see cref="Answer"/> chooses (204 by default), and lets a test wait for
/// requests. A real listener, so the sender's HTTP stack is exercised end to end.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Signals<Request> _requests = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The receiver's base address.</summary>
    public Uri Url { get; }

    /// <summary>Chooses the status of a request from it and the requests before it. Default: 204 No Content.</summary>
    public Func<Request, IReadOnlyList<Request>, HttpStatusCode> Answer { get; set; } = (_, _) => HttpStatusCode.NoContent;

    public IReadOnlyList<Request> Requests => _requests.Items;

    /// <summary>Completes when the requests meet <paramref name="condition"/>; fails after 30 s of real time.</summary>
    public Task WaitAsync(Func<IReadOnlyList<Request>, bool> condition) => _requests.WaitAsync(condition);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body);
            HttpStatusCode status;
            lock (_lock)
            {
                // Answered and recorded in one step: the answer sees exactly the requests before it.
                status = Answer(request, _requests.Items);
                _requests.Add(request with { Status = status });
            }

            context.Response.StatusCode = (int)status;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    /// <summary>One request as received, with the status it was answered.</summary>
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public HttpStatusCode Status { get; init; }

        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
