using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CityBrain.Grpc.Generator.Emit;
using CityBrain.Grpc.Generator.Mapping;
using CityBrain.Grpc.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CityBrain.Grpc.Generator;

/// <summary>
/// Generates gRPC server bindings and client stubs for the services declared in the <c>.proto</c> files listed
/// as <c>AdditionalFiles</c>. The messages themselves come from protoc (Grpc.Tools, <c>GrpcServices="None"</c>).
/// Item metadata <c>GrpcServices</c> (Both, Server, Client, None) and <c>GrpcAccess</c> (Public, Internal)
/// choose what is generated, when exposed with <c>CompilerVisibleItemMetadata</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrpcServiceGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var protos = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".proto", System.StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) =>
            {
                var options = pair.Right.GetOptions(pair.Left);
                options.TryGetValue("build_metadata.AdditionalFiles.GrpcServices", out var services);
                options.TryGetValue("build_metadata.AdditionalFiles.GrpcAccess", out var access);
                var text = pair.Left.GetText(cancellationToken)?.ToString() ?? string.Empty;
                return new ProtoInput(pair.Left.Path, text, GenerationOptions.From(services, access));
            })
            .Collect();

        context.RegisterSourceOutput(protos.Combine(context.CompilationProvider), static (output, pair) => Execute(output, pair.Left, pair.Right));
    }

    private static void Execute(SourceProductionContext output, ImmutableArray<ProtoInput> inputs, Compilation compilation)
    {
        var parsed = new List<(ProtoInput Input, ProtoFile File)>();
        foreach (var input in inputs)
        {
            try
            {
                parsed.Add((input, ProtoParser.Parse(input.Path, input.Text)));
            }
            catch (ProtoParseException ex)
            {
                output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.ParseError, LocationOf(input.Path, ex.Line, ex.Column), input.Path, ex.Message));
            }
        }

        var table = new MessageTypeTable(parsed.Select(p => p.File));
        var hintNames = new HashSet<string>();
        foreach (var (input, file) in parsed)
        {
            if (!input.Options.Server && !input.Options.Client)
            {
                continue;
            }

            var ns = ProtoNaming.GetNamespace(file.Package, file.CSharpNamespace);
            var reflectionClass = ProtoNaming.GetReflectionClassName(file.Path);
            foreach (var service in file.Services)
            {
                var rpcs = Resolve(output, compilation, table, file, service);
                if (rpcs is null)
                {
                    continue;
                }

                var source = ServiceEmitter.Emit(file, ns, reflectionClass, service, rpcs, input.Options);
                var hint = (ns.Length == 0 ? string.Empty : ns + ".") + service.Name;
                var unique = hint;
                for (var i = 2; !hintNames.Add(unique); i++)
                {
                    unique = hint + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                output.AddSource(unique + ".grpc.g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
            }
        }
    }

    private static List<ResolvedRpc>? Resolve(SourceProductionContext output, Compilation compilation, MessageTypeTable table, ProtoFile file, ProtoService service)
    {
        var resolved = new List<ResolvedRpc>();
        var ok = true;
        foreach (var rpc in service.Rpcs)
        {
            var request = ResolveType(output, compilation, table, file, service, rpc, rpc.RequestType);
            var response = ResolveType(output, compilation, table, file, service, rpc, rpc.ResponseType);
            if (request is null || response is null)
            {
                ok = false;
                continue;
            }

            resolved.Add(new ResolvedRpc(rpc, request, response));
        }

        return ok ? resolved : null;
    }

    private static string? ResolveType(SourceProductionContext output, Compilation compilation, MessageTypeTable table, ProtoFile file, ProtoService service, ProtoRpc rpc, string reference)
    {
        var location = LocationOf(file.Path, rpc.Line, rpc.Column);
        var type = table.Resolve(reference, file.Package);
        if (type is null)
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.UnknownMessage, location, service.Name, rpc.Name, reference));
            return null;
        }

        if (compilation.GetTypeByMetadataName(type.MetadataName) is null)
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.MissingCSharpType, location, service.Name, rpc.Name, type.ProtoName, type.CSharpName));
            return null;
        }

        return type.CSharpName;
    }

    private static Location LocationOf(string path, int line, int column)
    {
        var position = new LinePosition(line, column);
        return Location.Create(path, default, new LinePositionSpan(position, position));
    }
}
