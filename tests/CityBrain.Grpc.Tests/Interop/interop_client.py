"""Interop client for CityBrain's gRPC server, run with Debian's python3-grpcio.

Usage: interop_client.py HOST:PORT STUBS_DIR
Prints one "OK <check>" line per passed check; exits non-zero on the first failure.
"""
import sys

sys.path.insert(0, sys.argv[2])

import grpc  # noqa: E402
import interop_pb2  # noqa: E402
import interop_pb2_grpc  # noqa: E402
import reflection_v1_pb2  # noqa: E402
import reflection_v1_pb2_grpc  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name} {detail}", flush=True)
        sys.exit(1)
    print(f"OK {name}", flush=True)


def main():
    options = [("grpc.enable_http_proxy", 0)]
    with grpc.insecure_channel(sys.argv[1], options=options) as channel:
        stub = interop_pb2_grpc.InteropStub(channel)

        reply = stub.Unary(interop_pb2.Message(text="py", number=41), timeout=30)
        check("unary", reply.text == "hello py" and reply.number == 42, repr(reply))

        requests = (interop_pb2.Message(text=f"m{i}", number=i) for i in range(1000))
        replies = list(stub.Bidi(requests, timeout=60))
        check("bidi-1000",
              len(replies) == 1000 and all(r.number == i and r.text == f"M{i}" for i, r in enumerate(replies)),
              f"got {len(replies)} replies")

        streamed = list(stub.Stream(interop_pb2.Message(text="s", number=50), timeout=30))
        check("server-streaming", [r.number for r in streamed] == list(range(50)), f"got {len(streamed)}")

        try:
            stub.Status(interop_pb2.StatusRequest(code=9, message="bad state \u2713 100%"), timeout=30)
            check("error-status", False, "no error raised")
        except grpc.RpcError as error:
            check("error-status",
                  error.code() == grpc.StatusCode.FAILED_PRECONDITION and error.details() == "bad state \u2713 100%",
                  f"{error.code()} {error.details()!r}")

        try:
            stub.Hang(interop_pb2.Message(text="wait"), timeout=0.3)
            check("deadline", False, "no error raised")
        except grpc.RpcError as error:
            check("deadline", error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, f"{error.code()} {error.details()!r}")

        try:
            channel.unary_unary("/citybrain.interop.v1.Interop/Missing")(b"", timeout=30)
            check("unimplemented", False, "no error raised")
        except grpc.RpcError as error:
            check("unimplemented", error.code() == grpc.StatusCode.UNIMPLEMENTED, f"{error.code()}")

        check_reflection(channel)

    print("ALL OK", flush=True)


def message_class(descriptor):
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def check_reflection(channel):
    """List services and call one knowing nothing but what reflection tells, as grpcurl does."""
    reflection = reflection_v1_pb2_grpc.ServerReflectionStub(channel)
    requests = [
        reflection_v1_pb2.ServerReflectionRequest(list_services=""),
        reflection_v1_pb2.ServerReflectionRequest(file_containing_symbol="citybrain.interop.v1.Interop"),
    ]
    listed, files = list(reflection.ServerReflectionInfo(iter(requests), timeout=30))
    names = {service.name for service in listed.list_services_response.service}
    check("reflection-list", "citybrain.interop.v1.Interop" in names and "grpc.health.v1.Health" in names, repr(names))

    pool = descriptor_pool.DescriptorPool()
    for blob in reversed(files.file_descriptor_response.file_descriptor_proto):
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(blob))
    method = pool.FindServiceByName("citybrain.interop.v1.Interop").FindMethodByName("Unary")
    request_class = message_class(method.input_type)
    reply_class = message_class(method.output_type)
    call = channel.unary_unary("/citybrain.interop.v1.Interop/Unary",
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=reply_class.FromString)
    reply = call(request_class(text="dynamic", number=1), timeout=30)
    check("reflection-call", reply.text == "hello dynamic" and reply.number == 2, repr(reply))


if __name__ == "__main__":
    main()
