namespace CityBrain.Contracts;

/// <summary>The input is invalid; every problem is listed with its field path. Maps to INVALID_ARGUMENT.</summary>
[GenerateSerializer]
[Alias("citybrain.ValidationException")]
public sealed class ValidationException : CityBrainException
{
    /// <summary>Creates the exception from one or more field errors.</summary>
    public ValidationException(IReadOnlyList<FieldError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for one field.</summary>
    public ValidationException(string path, string message)
        : this([new FieldError(path, message)])
    {
    }

    /// <summary>Re-creates the exception from its message (the runtime does this for a refusal raised on another
    /// silo): <see cref="Errors"/> then holds one entry with an empty path and the whole message, which already names
    /// every field.</summary>
    public ValidationException(string message)
        : base(message)
    {
        Errors = [new FieldError(string.Empty, message)];
    }

    /// <summary>Every problem found, in document order.</summary>
    [Id(0)]
    public IReadOnlyList<FieldError> Errors { get; }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidArgument;

    private static string Describe(IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A validation exception needs at least one error.", nameof(errors));
        }

        return errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} errors: " + string.Join("; ", errors);
    }
}
