namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>One token of a .proto file, with its 0-based position.</summary>
internal sealed class Token
{
    public Token(TokenKind kind, string text, int line, int column, int offset)
    {
        Kind = kind;
        Text = text;
        Line = line;
        Column = column;
        Offset = offset;
    }

    public TokenKind Kind { get; }

    public string Text { get; }

    public int Line { get; }

    public int Column { get; }

    public int Offset { get; }

    public bool Is(string text) => Kind != TokenKind.String && Text == text;

    public override string ToString() => Text;
}
