using System.Collections.Immutable;
using CityBrain.Grpc.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CityBrain.Grpc.Tests.Generator;

/// <summary>Runs <see cref="GrpcServiceGenerator"/> in memory over .proto texts, against the assemblies this test process has loaded.</summary>
internal static class GeneratorHarness
{
    public static GeneratorResult Run(params (string Path, string Text)[] protos)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "GeneratorTest",
            [CSharpSyntaxTree.ParseText("namespace Probe { internal static class Marker { } }")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(
            [new GrpcServiceGenerator().AsSourceGenerator()],
            [.. protos.Select(p => (AdditionalText)new InMemoryText(p.Path, p.Text))]);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var sources = output.SyntaxTrees.Skip(1).Select(t => t.ToString()).ToList();
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return new GeneratorResult(sources, diagnostics, errors);
    }

    public sealed record GeneratorResult(IReadOnlyList<string> Sources, ImmutableArray<Diagnostic> GeneratorDiagnostics, IReadOnlyList<Diagnostic> CompileErrors);

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
