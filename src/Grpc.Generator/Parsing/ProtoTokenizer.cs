using System.Collections.Generic;
using System.Text;

namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>Splits .proto text into tokens, dropping whitespace and comments.</summary>
internal static class ProtoTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var line = 0;
        var lineStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                lineStart = i;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i += 2;
                while (i < text.Length && !(text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/'))
                {
                    if (text[i] == '\n')
                    {
                        line++;
                        lineStart = i + 1;
                    }

                    i++;
                }

                i += 2;
                continue;
            }

            var start = i;
            var column = i - lineStart;
            if (c == '"' || c == '\'')
            {
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    if (text[i] == '\n')
                    {
                        throw new ProtoParseException("Unterminated string.", line, column);
                    }

                    builder.Append(text[i]);
                    i++;
                }

                i++;
                tokens.Add(new Token(TokenKind.String, builder.ToString(), line, column, start));
                continue;
            }

            if (char.IsLetter(c) || c == '_' || (c == '.' && i + 1 < text.Length && (char.IsLetter(text[i + 1]) || text[i + 1] == '_')))
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text.Substring(start, i - start), line, column, start));
                continue;
            }

            if (char.IsDigit(c) || ((c == '-' || c == '+') && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '+' || text[i] == '-'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text.Substring(start, i - start), line, column, start));
                continue;
            }

            tokens.Add(new Token(TokenKind.Symbol, c.ToString(), line, column, start));
            i++;
        }

        return tokens;
    }
}
