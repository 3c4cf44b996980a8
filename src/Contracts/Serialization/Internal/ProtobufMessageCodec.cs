using System.Buffers;
using Google.Protobuf;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;

namespace CityBrain.Contracts.Serialization.Internal;

/// <summary>
/// Writes any protobuf message as one Orleans field: the field is typed with this codec (by its alias), and holds
/// field 0, the message type as Orleans writes types, and field 1, the message's protobuf bytes, length-prefixed.
/// </summary>
/// <remarks>
/// A generalized codec is not told the declared type when it reads, so the message type must travel inside the
/// field; naming the codec in the field header makes every message, declared or carried as <see cref="object"/>,
/// come back to this codec.
/// </remarks>
internal sealed class ProtobufMessageCodec : IGeneralizedCodec
{
    /// <summary>The codec's type alias on the wire.</summary>
    public const string Alias = "citybrain.protobuf";

    private const uint TypeFieldId = 0;
    private const uint PayloadFieldId = 1;
    private static readonly Type CodecType = typeof(ProtobufMessageCodec);

    /// <inheritdoc />
    public bool IsSupportedType(Type type) => type == CodecType || ProtobufMessageType.Find(type) is not null;

    /// <inheritdoc />
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, CodecType, value))
        {
            return;
        }

        var message = value as IMessage ?? throw new ArgumentException($"{value.GetType()} is not a protobuf message.", nameof(value));
        writer.WriteFieldHeader(fieldIdDelta, expectedType, CodecType, WireType.TagDelimited);

        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteFieldHeaderExpected(TypeFieldId, WireType.LengthPrefixed);
        writer.Session.TypeCodec.WriteLengthPrefixed(ref writer, value.GetType());

        var size = message.CalculateSize();
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteFieldHeaderExpected(PayloadFieldId - TypeFieldId, WireType.LengthPrefixed); // ids are written as deltas
        writer.WriteVarUInt32((uint)size);
        WritePayload(ref writer, message, size);
        writer.WriteEndObject();
    }

    /// <summary>Encodes the message straight into the output when it offers one contiguous span of the size
    /// <see cref="IMessage.CalculateSize"/> gave (a pipe's segments may be smaller than a large message); else through a
    /// pooled buffer that the writer copies in pieces.</summary>
    private static void WritePayload<TBufferWriter>(ref Writer<TBufferWriter> writer, IMessage message, int size)
        where TBufferWriter : IBufferWriter<byte>
    {
        writer.EnsureContiguous(size);
        if (writer.WritableSpan.Length >= size)
        {
            message.WriteTo(writer.WritableSpan[..size]);
            writer.AdvanceSpan(size);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            message.WriteTo(buffer.AsSpan(0, size));
            writer.Write(buffer.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public object? ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.IsReference)
        {
            return ReferenceCodec.ReadReference(ref reader, field.FieldType);
        }

        field.EnsureWireTypeTagDelimited();
        var referenceId = ReferenceCodec.CreateRecordPlaceholder(reader.Session);
        ProtobufMessageType? messageType = null;
        IMessage? message = null;
        uint fieldId = 0;
        while (true)
        {
            var header = reader.ReadFieldHeader();
            if (header.IsEndBaseOrEndObject)
            {
                break;
            }

            fieldId += header.FieldIdDelta;
            switch (fieldId)
            {
                case TypeFieldId:
                    ReferenceCodec.MarkValueField(reader.Session);
                    var type = reader.Session.TypeCodec.ReadLengthPrefixed(ref reader);
                    messageType = ProtobufMessageType.Find(type)
                        ?? throw new NotSupportedException($"{type} is not a protobuf message.");
                    break;
                case PayloadFieldId:
                    ReferenceCodec.MarkValueField(reader.Session);
                    message = ReadPayload(ref reader, messageType ?? throw new RequiredFieldMissingException("A protobuf message field has no type."));
                    break;
                default:
                    reader.ConsumeUnknownField(header);
                    break;
            }
        }

        if (message is null)
        {
            throw new RequiredFieldMissingException("A protobuf message field has no payload.");
        }

        ReferenceCodec.RecordObject(reader.Session, message, referenceId);
        return message;
    }

    private static IMessage ReadPayload<TInput>(ref Reader<TInput> reader, ProtobufMessageType messageType)
    {
        var length = reader.ReadVarUInt32();
        if (length > int.MaxValue)
        {
            throw new InvalidOperationException($"A protobuf message of {length} bytes is too long.");
        }

        // Checked before anything is rented, so a corrupt length cannot make the reader allocate a huge buffer.
        reader.EnsureAvailable(length);
        if (reader.TryReadBytes((int)length, out var encoded))
        {
            return messageType.Parse(encoded);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var span = buffer.AsSpan(0, (int)length);
            reader.ReadBytes(span);
            return messageType.Parse(span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
