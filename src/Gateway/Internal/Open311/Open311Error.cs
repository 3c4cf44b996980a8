using CityBrain.Contracts;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Gateway.Internal.Open311;

/// <summary>A refusal of the GeoReport endpoint: the HTTP status and the descriptions of its error answer (one
/// <c>{code, description}</c> per problem, each naming the GeoReport parameter).</summary>
internal sealed class Open311Error(int status, IReadOnlyList<string> descriptions) : Exception(string.Join("; ", descriptions))
{
    public Open311Error(int status, string description)
        : this(status, [description])
    {
    }

    public int Status { get; } = status;

    public IReadOnlyList<string> Descriptions { get; } = descriptions;

    public static Open311Error BadRequest(string parameter, string problem) => new(StatusCodes.Status400BadRequest, $"{parameter}: {problem}");

    public static Open311Error BadRequest(IEnumerable<FieldError> errors) =>
        new(StatusCodes.Status400BadRequest, errors.Select(e => e.Path.Length > 0 ? $"{e.Path}: {e.Message}" : e.Message).ToList());

    public static Open311Error Forbidden(string description) => new(StatusCodes.Status403Forbidden, description);

    public static Open311Error NotFound(string description) => new(StatusCodes.Status404NotFound, description);
}
