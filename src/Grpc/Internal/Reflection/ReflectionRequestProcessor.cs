using CityBrain.Grpc.Internal.Server;
using CityBrain.Grpc.Reflection.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CityBrain.Grpc.Internal.Reflection;

/// <summary>Answers one server reflection request (in the v1 message shapes, which v1alpha shares on the wire).</summary>
internal sealed class ReflectionRequestProcessor(GrpcServiceRegistry registry)
{
    private DescriptorIndex? _index;
    private int _indexedFiles = -1;

    public ServerReflectionResponse Process(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse
        {
            ValidHost = request.Host,
            OriginalRequest = request,
        };
        var index = GetIndex();
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                foreach (var name in registry.ServiceNames)
                {
                    list.Service.Add(new ServiceResponse { Name = name });
                }

                response.ListServicesResponse = list;
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, index.FindFile(request.FileByFilename), $"File '{request.FileByFilename}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol '{request.FileContainingSymbol}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(
                    response,
                    index.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension {extension.ExtensionNumber} of '{extension.ContainingType}' not found.");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var numbers = index.FindExtensionNumbers(request.AllExtensionNumbersOfType);
                if (numbers is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type '{request.AllExtensionNumbersOfType}' not found.");
                }
                else
                {
                    var extensionNumbers = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType.TrimStart('.') };
                    extensionNumbers.ExtensionNumber.Add(numbers);
                    response.AllExtensionNumbersResponse = extensionNumbers;
                }

                break;

            default:
                SetError(response, StatusCode.Unimplemented, "The request sets no known message_request field.");
                break;
        }

        return response;
    }

    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var files = new FileDescriptorResponse();
        foreach (var descriptor in DescriptorIndex.WithDependencies(file))
        {
            files.FileDescriptorProto.Add(descriptor.SerializedData);
        }

        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };

    private DescriptorIndex GetIndex()
    {
        var files = registry.Files;
        if (_index is null || _indexedFiles != files.Count)
        {
            _index = new DescriptorIndex(files);
            _indexedFiles = files.Count;
        }

        return _index;
    }

    /// <summary>Converts between the v1 and v1alpha shapes, which are identical on the wire.</summary>
    public static TTarget Convert<TTarget>(IMessage source, MessageParser<TTarget> parser)
        where TTarget : IMessage<TTarget> => parser.ParseFrom(source.ToByteString());
}
