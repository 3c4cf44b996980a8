using System.Collections.Generic;

namespace CityBrain.Grpc.Generator.Parsing;

/// <summary>
/// Reads the declarations the generator needs from a .proto file: package, <c>csharp_namespace</c>, imports,
/// message names (nested included) and services with their rpcs. Everything else is skipped.
/// </summary>
internal sealed class ProtoParser
{
    private readonly List<Token> _tokens;
    private readonly ProtoFile _file;
    private int _position;

    private ProtoParser(string path, string text)
    {
        _tokens = ProtoTokenizer.Tokenize(text);
        _file = new ProtoFile(path);
    }

    public static ProtoFile Parse(string path, string text)
    {
        var parser = new ProtoParser(path, text);
        parser.ParseFile();
        return parser._file;
    }

    private void ParseFile()
    {
        while (!AtEnd)
        {
            var token = Next();
            switch (token.Text)
            {
                case "syntax":
                case "edition":
                    SkipStatement();
                    break;
                case "package":
                    _file.Package = Expect(TokenKind.Identifier, "package name").Text;
                    ExpectSymbol(";");
                    break;
                case "import":
                    if (Peek().Is("public") || Peek().Is("weak"))
                    {
                        Next();
                    }

                    _file.Imports.Add(Expect(TokenKind.String, "import path").Text);
                    ExpectSymbol(";");
                    break;
                case "option":
                    ParseFileOption();
                    break;
                case "message":
                    ParseMessage(string.Empty);
                    break;
                case "enum":
                case "extend":
                    SkipToBlockAndOver();
                    break;
                case "service":
                    ParseService();
                    break;
                case ";":
                    break;
                default:
                    throw Error(token, $"Unexpected '{token.Text}' at the top level.");
            }
        }
    }

    private void ParseFileOption()
    {
        var name = Next();
        if (name.Is("csharp_namespace"))
        {
            ExpectSymbol("=");
            _file.CSharpNamespace = Expect(TokenKind.String, "namespace").Text;
            ExpectSymbol(";");
            return;
        }

        SkipStatement();
    }

    private void ParseMessage(string prefix)
    {
        var name = Expect(TokenKind.Identifier, "message name").Text;
        var fullName = prefix.Length == 0 ? name : prefix + "." + name;
        _file.Messages.Add(fullName);
        ExpectSymbol("{");
        ParseMessageBody(fullName);
    }

    /// <summary>Reads a message body up to and including its closing brace.</summary>
    private void ParseMessageBody(string messageName)
    {
        while (true)
        {
            var token = Next();
            switch (token.Text)
            {
                case "}":
                    return;
                case ";":
                    break;
                case "message":
                    ParseMessage(messageName);
                    break;
                case "enum":
                case "extend":
                case "oneof":
                    SkipToBlockAndOver();
                    break;
                case "option":
                case "reserved":
                case "extensions":
                    SkipStatement();
                    break;
                default:
                    SkipField(messageName);
                    break;
            }
        }
    }

    /// <summary>Skips a field declaration; a proto2 <c>group</c> declares a nested message.</summary>
    private void SkipField(string messageName)
    {
        string? groupName = null;
        var previousWasGroup = _tokens[_position - 1].Is("group");
        var depth = 0;
        while (true)
        {
            var token = Next();
            if (previousWasGroup && token.Kind == TokenKind.Identifier)
            {
                groupName = token.Text;
            }

            previousWasGroup = token.Is("group");
            if (token.Is("[") || token.Is("("))
            {
                depth++;
            }
            else if (token.Is("]") || token.Is(")"))
            {
                depth--;
            }
            else if (depth == 0 && token.Is(";"))
            {
                return;
            }
            else if (depth == 0 && token.Is("{"))
            {
                if (groupName is null)
                {
                    throw Error(token, "Unexpected '{' in a field declaration.");
                }

                var fullName = messageName + "." + groupName;
                _file.Messages.Add(fullName);
                ParseMessageBody(fullName);
                return;
            }
        }
    }

    private void ParseService()
    {
        var nameToken = Expect(TokenKind.Identifier, "service name");
        var service = new ProtoService(nameToken.Text, nameToken.Line, nameToken.Column);
        ExpectSymbol("{");
        while (true)
        {
            var token = Next();
            if (token.Is("}"))
            {
                break;
            }

            if (token.Is(";"))
            {
                continue;
            }

            if (token.Is("option"))
            {
                SkipStatement();
                continue;
            }

            if (!token.Is("rpc"))
            {
                throw Error(token, $"Unexpected '{token.Text}' in service {service.Name}.");
            }

            var rpcName = Expect(TokenKind.Identifier, "rpc name");
            ExpectSymbol("(");
            var clientStreaming = ReadStreamKeyword();
            var requestType = Expect(TokenKind.Identifier, "request type").Text;
            ExpectSymbol(")");
            var returns = Expect(TokenKind.Identifier, "'returns'");
            if (returns.Text != "returns")
            {
                throw Error(returns, "Expected 'returns'.");
            }

            ExpectSymbol("(");
            var serverStreaming = ReadStreamKeyword();
            var responseType = Expect(TokenKind.Identifier, "response type").Text;
            ExpectSymbol(")");
            if (Peek().Is("{"))
            {
                Next();
                SkipBlockBody();
            }
            else
            {
                ExpectSymbol(";");
            }

            service.Rpcs.Add(new ProtoRpc(rpcName.Text, requestType, clientStreaming, responseType, serverStreaming, rpcName.Line, rpcName.Column));
        }

        _file.Services.Add(service);
    }

    private bool ReadStreamKeyword()
    {
        if (Peek().Is("stream") && _position + 1 < _tokens.Count && !_tokens[_position + 1].Is(")"))
        {
            Next();
            return true;
        }

        return false;
    }

    private void SkipStatement()
    {
        var depth = 0;
        while (true)
        {
            var token = Next();
            if (token.Is("{") || token.Is("[") || token.Is("("))
            {
                depth++;
            }
            else if (token.Is("}") || token.Is("]") || token.Is(")"))
            {
                depth--;
            }
            else if (depth == 0 && token.Is(";"))
            {
                return;
            }
        }
    }

    private void SkipToBlockAndOver()
    {
        while (!Next().Is("{"))
        {
        }

        SkipBlockBody();
    }

    /// <summary>Skips to the brace that closes an already opened block.</summary>
    private void SkipBlockBody()
    {
        var depth = 1;
        while (depth > 0)
        {
            var token = Next();
            if (token.Is("{"))
            {
                depth++;
            }
            else if (token.Is("}"))
            {
                depth--;
            }
        }
    }

    private bool AtEnd => _position >= _tokens.Count;

    private Token Peek()
    {
        if (AtEnd)
        {
            var last = _tokens.Count > 0 ? _tokens[_tokens.Count - 1] : null;
            throw new ProtoParseException("Unexpected end of file.", last?.Line ?? 0, last?.Column ?? 0);
        }

        return _tokens[_position];
    }

    private Token Next()
    {
        var token = Peek();
        _position++;
        return token;
    }

    private Token Expect(TokenKind kind, string what)
    {
        var token = Next();
        if (token.Kind != kind)
        {
            throw Error(token, $"Expected {what}, found '{token.Text}'.");
        }

        return token;
    }

    private void ExpectSymbol(string symbol)
    {
        var token = Next();
        if (!token.Is(symbol))
        {
            throw Error(token, $"Expected '{symbol}', found '{token.Text}'.");
        }
    }

    private static ProtoParseException Error(Token token, string message) =>
        new ProtoParseException(message, token.Line, token.Column);
}
