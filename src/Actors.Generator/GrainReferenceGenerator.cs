using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CityBrain.Actors.Generator;

/// <summary>
/// Emits, for every interface deriving from CityBrain.Actors.IGrain declared in the compilation, a grain
/// reference class (the proxy), one request class per method (arguments + a direct, reflection-free call to the
/// grain), a reference factory, and an assembly attribute that lets the runtime find the factory.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainReferenceGenerator : IIncrementalGenerator
{
    private const string GrainInterfaceName = "CityBrain.Actors.IGrain";

    private static readonly DiagnosticDescriptor BadReturnType = new(
        "CBA001", "Grain method must return a task",
        "Grain method {0}.{1} must return Task, Task<T>, ValueTask or ValueTask<T>",
        "CityBrain.Actors", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor BadParameter = new(
        "CBA002", "Grain method parameter not supported",
        "Grain method {0}.{1}: parameter '{2}' is ref/out/in or a pointer; grain calls take values only",
        "CityBrain.Actors", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor GenericNotSupported = new(
        "CBA003", "Generic grain interfaces and methods are not supported",
        "Grain interface {0} or its method {1} is generic; grain interfaces and methods must not be generic",
        "CityBrain.Actors", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor NotAccessible = new(
        "CBA004", "Grain interface must be accessible",
        "Grain interface {0} must be public or internal and not nested in a private type",
        "CityBrain.Actors", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor NotAMethod = new(
        "CBA005", "Grain interfaces hold methods only",
        "Grain interface {0} declares {1}, which is not a method; grain interfaces hold methods only",
        "CityBrain.Actors", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var interfaces = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (ctx, cancellationToken) => ctx.SemanticModel.GetDeclaredSymbol((InterfaceDeclarationSyntax)ctx.Node, cancellationToken) as INamedTypeSymbol)
            .Where(static symbol => symbol is not null && IsGrainInterface(symbol))
            .Collect();

        context.RegisterSourceOutput(interfaces, static (spc, symbols) =>
        {
            foreach (var symbol in symbols.Distinct<INamedTypeSymbol?>(SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>())
            {
                var source = Emit(symbol, spc);
                if (source is not null)
                {
                    spc.AddSource(SafeName(symbol) + ".g.cs", source);
                }
            }
        });
    }

    private static bool IsGrainInterface(INamedTypeSymbol symbol) =>
        symbol.TypeKind == TypeKind.Interface
        && symbol.ToDisplayString() != GrainInterfaceName
        && symbol.AllInterfaces.Any(i => i.ToDisplayString() == GrainInterfaceName);

    private static string SafeName(INamedTypeSymbol symbol)
    {
        var name = symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    private static string? Emit(INamedTypeSymbol grainInterface, SourceProductionContext context)
    {
        var location = grainInterface.Locations.FirstOrDefault();
        if (grainInterface.IsGenericType)
        {
            context.ReportDiagnostic(Diagnostic.Create(GenericNotSupported, location, grainInterface.Name, "-"));
            return null;
        }

        for (var containing = (ISymbol)grainInterface; containing is INamedTypeSymbol type; containing = type.ContainingType)
        {
            if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                context.ReportDiagnostic(Diagnostic.Create(NotAccessible, location, grainInterface.Name));
                return null;
            }
        }

        var methods = new List<IMethodSymbol>();
        var ok = true;
        foreach (var declaring in new[] { grainInterface }.Concat(grainInterface.AllInterfaces))
        {
            if (declaring.ToDisplayString() == GrainInterfaceName || !declaring.AllInterfaces.Any(i => i.ToDisplayString() == GrainInterfaceName))
            {
                continue;
            }

            foreach (var member in declaring.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                {
                    if (method.IsStatic || !method.IsAbstract)
                    {
                        continue;
                    }

                    ok &= Check(declaring, method, context);
                    methods.Add(method);
                }
                else if (member is IPropertySymbol or IEventSymbol)
                {
                    context.ReportDiagnostic(Diagnostic.Create(NotAMethod, member.Locations.FirstOrDefault(), declaring.Name, member.Name));
                    ok = false;
                }
            }
        }

        if (!ok)
        {
            return null;
        }

        var name = SafeName(grainInterface);
        var iface = grainInterface.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var interfaceName = grainInterface.ToDisplayString();
        var accessibility = "internal";
        var code = new StringBuilder();
        code.AppendLine("// <auto-generated/> by CityBrain.Actors.Generator");
        code.AppendLine("#nullable enable");
        code.AppendLine("#pragma warning disable CS1591");
        code.AppendLine($"[assembly: global::CityBrain.Actors.Invocation.GeneratedGrainReferenceAttribute(typeof({iface}), typeof(global::CityBrain.Actors.Generated.{name}_Factory))]");
        code.AppendLine();
        code.AppendLine("namespace CityBrain.Actors.Generated");
        code.AppendLine("{");
        code.AppendLine($"    [global::System.CodeDom.Compiler.GeneratedCode(\"CityBrain.Actors.Generator\", \"1.0\")]");
        code.AppendLine($"    {accessibility} sealed class {name}_Factory : global::CityBrain.Actors.Invocation.IGrainReferenceFactory");
        code.AppendLine("    {");
        code.AppendLine("        public global::CityBrain.Actors.Invocation.GrainReference Create(global::CityBrain.Actors.Invocation.GrainCallInvoker invoker, global::CityBrain.Actors.GrainId grainId)");
        code.AppendLine($"            => new {name}_Reference(invoker, grainId);");
        code.AppendLine();
        code.AppendLine("        public global::CityBrain.Actors.Invocation.GrainRequest CreateRequest(int methodId, global::CityBrain.Actors.Invocation.ArgumentReader arguments)");
        code.AppendLine($"            => {name}_Reference.CreateRequest(methodId, arguments);");
        code.AppendLine("    }");
        code.AppendLine();
        code.AppendLine($"    [global::System.CodeDom.Compiler.GeneratedCode(\"CityBrain.Actors.Generator\", \"1.0\")]");
        code.AppendLine($"    {accessibility} sealed class {name}_Reference : global::CityBrain.Actors.Invocation.GrainReference, {iface}");
        code.AppendLine("    {");
        code.AppendLine($"        public {name}_Reference(global::CityBrain.Actors.Invocation.GrainCallInvoker invoker, global::CityBrain.Actors.GrainId grainId) : base(invoker, grainId) {{ }}");

        code.AppendLine();
        code.AppendLine("        internal static global::CityBrain.Actors.Invocation.GrainRequest CreateRequest(int methodId, global::CityBrain.Actors.Invocation.ArgumentReader arguments) => methodId switch");
        code.AppendLine("        {");
        for (var id = 0; id < methods.Count; id++)
        {
            var reads = string.Join(", ", methods[id].Parameters.Select(p =>
                $"arguments.Read<{p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes))}>()"));
            code.AppendLine($"            {id} => new M{id}_{methods[id].Name}({reads}),");
        }

        code.AppendLine($"            _ => throw new global::System.ArgumentOutOfRangeException(nameof(methodId), methodId, \"{interfaceName} has no method with this id.\"),");
        code.AppendLine("        };");

        for (var id = 0; id < methods.Count; id++)
        {
            EmitMethod(code, methods[id], id, interfaceName);
        }

        code.AppendLine("    }");
        code.AppendLine("}");
        return code.ToString();
    }

    private static bool Check(INamedTypeSymbol declaring, IMethodSymbol method, SourceProductionContext context)
    {
        var location = method.Locations.FirstOrDefault();
        if (method.IsGenericMethod)
        {
            context.ReportDiagnostic(Diagnostic.Create(GenericNotSupported, location, declaring.Name, method.Name));
            return false;
        }

        if (ReturnKind(method) == Kind.Unsupported)
        {
            context.ReportDiagnostic(Diagnostic.Create(BadReturnType, location, declaring.Name, method.Name));
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type is IPointerTypeSymbol || parameter.Type.IsRefLikeType)
            {
                context.ReportDiagnostic(Diagnostic.Create(BadParameter, location, declaring.Name, method.Name, parameter.Name));
                return false;
            }
        }

        return true;
    }

    private enum Kind
    {
        Unsupported,
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    private static Kind ReturnKind(IMethodSymbol method)
    {
        if (method.ReturnType is not INamedTypeSymbol type)
        {
            return Kind.Unsupported;
        }

        var name = type.ConstructedFrom.ToDisplayString();
        return name switch
        {
            "System.Threading.Tasks.Task" => Kind.Task,
            "System.Threading.Tasks.Task<TResult>" => Kind.TaskOfT,
            "System.Threading.Tasks.ValueTask" => Kind.ValueTask,
            "System.Threading.Tasks.ValueTask<TResult>" => Kind.ValueTaskOfT,
            _ => Kind.Unsupported,
        };
    }

    private static void EmitMethod(StringBuilder code, IMethodSymbol method, int id, string interfaceName)
    {
        var kind = ReturnKind(method);
        var declaring = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var returnType = method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes));
        var resultType = kind is Kind.TaskOfT or Kind.ValueTaskOfT
            ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
                SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes))
            : "global::CityBrain.Actors.Invocation.VoidResult";
        var requestClass = $"M{id}_{method.Name}";

        var options = new List<string>();
        double timeout = 0;
        foreach (var attribute in method.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case "CityBrain.Actors.AlwaysInterleaveAttribute":
                    options.Add("global::CityBrain.Actors.Invocation.GrainMethodOptions.AlwaysInterleave");
                    break;
                case "CityBrain.Actors.ReadOnlyAttribute":
                    options.Add("global::CityBrain.Actors.Invocation.GrainMethodOptions.ReadOnly");
                    break;
                case "CityBrain.Actors.ResponseTimeoutAttribute" when attribute.ConstructorArguments.Length == 1:
                    timeout = System.Convert.ToDouble(attribute.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }

        var optionsText = options.Count == 0 ? "global::CityBrain.Actors.Invocation.GrainMethodOptions.None" : string.Join(" | ", options);
        var parameters = method.Parameters.Select(p => (
            Type: p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
                SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes)),
            Name: "@" + p.Name)).ToList();
        var parameterList = string.Join(", ", parameters.Select(p => $"{p.Type} {p.Name}"));
        var argumentList = string.Join(", ", parameters.Select(p => p.Name));
        var timeoutText = timeout.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        code.AppendLine();
        code.AppendLine($"        private static readonly global::CityBrain.Actors.Invocation.GrainMethod s_method{id} = new(\"{interfaceName}\", \"{method.Name}\", {id}, {optionsText}, {timeoutText});");
        var call = $"new {requestClass}({argumentList})";
        var body = kind switch
        {
            Kind.Task => $"InvokeVoidAsync({call})",
            Kind.ValueTask => $"new global::System.Threading.Tasks.ValueTask(InvokeVoidAsync({call}))",
            Kind.TaskOfT => $"InvokeAsync({call}).AsTask()",
            _ => $"InvokeAsync({call})",
        };
        code.AppendLine($"        {returnType} {declaring}.{method.Name}({parameterList}) => {body};");
        code.AppendLine();
        code.AppendLine($"        private sealed class {requestClass} : global::CityBrain.Actors.Invocation.GrainRequest<{resultType}>");
        code.AppendLine("        {");
        for (var i = 0; i < parameters.Count; i++)
        {
            code.AppendLine($"            private readonly {parameters[i].Type} _a{i};");
        }

        code.AppendLine($"            public {requestClass}({parameterList})");
        code.AppendLine("            {");
        for (var i = 0; i < parameters.Count; i++)
        {
            code.AppendLine($"                _a{i} = global::CityBrain.Actors.Invocation.DeepCopy<{parameters[i].Type}>.Copy({parameters[i].Name});");
        }

        code.AppendLine("            }");
        code.AppendLine($"            public override global::CityBrain.Actors.Invocation.GrainMethod Method => s_method{id};");
        if (parameters.Count > 0)
        {
            code.AppendLine("            public override void WriteArguments(global::CityBrain.Actors.Invocation.ArgumentWriter writer)");
            code.AppendLine("            {");
            for (var i = 0; i < parameters.Count; i++)
            {
                code.AppendLine($"                writer.Write<{parameters[i].Type}>(_a{i});");
            }

            code.AppendLine("            }");
        }

        var args = string.Join(", ", Enumerable.Range(0, parameters.Count).Select(i => $"_a{i}"));
        var invoke = $"(({declaring})grain).{method.Name}({args})";
        var invokeBody = kind switch
        {
            Kind.Task => $"FromTask({invoke})",
            Kind.ValueTask => $"FromValueTask({invoke})",
            Kind.TaskOfT => $"new global::System.Threading.Tasks.ValueTask<{resultType}>({invoke})",
            _ => invoke,
        };
        code.AppendLine($"            protected override global::System.Threading.Tasks.ValueTask<{resultType}> InvokeAsync(object grain) => {invokeBody};");
        code.AppendLine("        }");
    }
}
