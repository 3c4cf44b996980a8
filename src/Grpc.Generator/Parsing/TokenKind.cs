namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>The kinds of token the .proto reader distinguishes.</summary>
internal enum TokenKind
{
    /// <summary>A name, keyword or dotted (possibly fully qualified) type name.</summary>
    Identifier,

    /// <summary>A quoted string; the text is unquoted.</summary>
    String,

    /// <summary>A number.</summary>
    Number,

    /// <summary>A single punctuation character.</summary>
    Symbol,
}
