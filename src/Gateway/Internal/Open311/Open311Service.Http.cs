using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Errors;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>The HTTP side of the GeoReport endpoint: formats, the error answers and their statuses, the readiness gate,
/// the api_key and the rate limit, the POST body.</summary>
internal sealed partial class Open311Service
{
    /// <summary>An error answer in the format asked for (JSON when the format itself was not understood).</summary>
    public static Task WriteErrorAsync(HttpContext http, Open311Format format, int status, IReadOnlyList<string> descriptions) =>
        WriteAsync(http, format, status, Open311Document.Errors(status, descriptions));

    private static async Task WriteAsync(HttpContext http, Open311Format format, int status, Open311Document document)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        var body = document.Encode(format);
        http.Response.StatusCode = status;
        http.Response.ContentType = Open311Document.ContentType(format);
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static Open311Format? FormatOf(string format) => format switch
    {
        "json" => Open311Format.Json,
        "xml" => Open311Format.Xml,
        _ => null,
    };

    /// <summary>A resource named <c>{name}.{format}</c> (the name may hold dots: service codes such as 01.01 do).</summary>
    private Task RunFileAsync(HttpContext http, string file, bool needsReady, Func<string, CancellationToken, Task<Open311Document>> handler)
    {
        var dot = file.LastIndexOf('.');
        return dot <= 0
            ? WriteErrorAsync(http, Open311Format.Json, StatusCodes.Status404NotFound, ["format: the resource needs its format, .json or .xml"])
            : RunAsync(http, file[(dot + 1)..], needsReady, (_, cancel) => handler(file[..dot], cancel));
    }

    private async Task RunAsync(HttpContext http, string formatName, bool needsReady, Func<Open311Format, CancellationToken, Task<Open311Document>> handler)
    {
        if (FormatOf(formatName) is not { } format)
        {
            await WriteErrorAsync(http, Open311Format.Json, StatusCodes.Status404NotFound, [$"format: '{Shorten(formatName)}' is not served (json or xml)"]);
            return;
        }

        try
        {
            if (needsReady && _readiness?.NotReadyReason() is { } why)
            {
                throw new Open311Error(StatusCodes.Status503ServiceUnavailable, $"This silo cannot serve now ({why}); retry.");
            }

            var document = await handler(format, http.RequestAborted);
            await WriteAsync(http, format, StatusCodes.Status200OK, document);
        }
        catch (Open311Error refused)
        {
            await WriteErrorAsync(http, format, refused.Status, refused.Descriptions);
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            var (code, message) = ApiErrors.Describe(exception);
            ApiErrors.Log(exception, code, logger, "Open311 " + http.Request.Method + " " + http.Request.Path);
            var descriptions = exception is ValidationException invalid
                ? invalid.Errors.Select(e => e.Path.Length > 0 ? $"{e.Path}: {e.Message}" : e.Message).ToList()
                : [message];
            await WriteErrorAsync(http, format, HttpStatusOf(code), descriptions);
        }
    }

    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable or StatusCode.Aborted => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The app's feed, within its rate limit (the bucket of its source, shared with its other calls).</summary>
    private async Task<Caller> AuthorizeAsync(HttpContext http, string? apiKey, CancellationToken cancel)
    {
        var caller = await keys.FeedAsync(http, apiKey);
        if (!await limits.AcquireAsync(caller, cancel))
        {
            throw new Open311Error(StatusCodes.Status429TooManyRequests, CallerRateLimiter.ExhaustedMessage(caller));
        }

        return caller;
    }

    /// <summary>The POST body: application/x-www-form-urlencoded as the specification has it (multipart/form-data
    /// without files too), at most <see cref="MaxBody"/> bytes.</summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpContext http, CancellationToken cancel)
    {
        var request = http.Request;
        if (request.ContentLength > MaxBody)
        {
            throw new Open311Error(StatusCodes.Status413PayloadTooLarge, $"body: larger than {MaxBody} bytes");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBody;
        }

        if (request.ContentType is null && request.ContentLength is null or 0)
        {
            return FormCollection.Empty;
        }

        if (!request.HasFormContentType)
        {
            throw Open311Error.BadRequest("body", "expected application/x-www-form-urlencoded (or multipart/form-data)");
        }

        IFormCollection form;
        try
        {
            form = await new FormFeature(request, Form).ReadFormAsync(cancel);
        }
        catch (BadHttpRequestException exception)
        {
            throw new Open311Error(exception.StatusCode, "body: " + exception.Message);
        }
        catch (Exception exception) when (exception is InvalidDataException or InvalidOperationException or IOException or FormatException)
        {
            throw Open311Error.BadRequest("body", "not a readable form: " + exception.Message);
        }

        return form.Files.Count > 0 ? throw Open311Error.BadRequest("media_url", "send a link to the file (media_url), not the file") : form;
    }
}
