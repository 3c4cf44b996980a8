"""Interop client for CityBrain's gRPC server, run with Debian's python3-grpcio.

Usage: interop_client.py HOST:PORT STUBS_DIR
Prints one "OK <check>" line per passed check; exits non-zero on the first failure.
"""
import sys

sys.path.insert(0, sys.argv[2])

import grpc  # noqa: E402
import interop_pb2  # noqa: E402
import interop_pb2_grpc  # noqa: E402


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

    print("ALL OK", flush=True)


if __name__ == "__main__":
    main()
