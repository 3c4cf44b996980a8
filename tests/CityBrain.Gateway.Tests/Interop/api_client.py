"""Drives CityBrain's public API with Debian's python3-grpcio, a client nobody here wrote.

Usage: api_client.py HOST:PORT STUBS_DIR FEED_TOKEN VIEWER_TOKEN
The feed token is for source "py-feed". Prints one "OK <check>" line per passed check; exits non-zero on the first
failure.
"""
import sys
import threading
import uuid

sys.path.insert(0, sys.argv[2])

import grpc  # noqa: E402
import common_pb2  # noqa: E402
import incident_pb2  # noqa: E402
import intake_pb2  # noqa: E402
import intake_service_pb2  # noqa: E402
import intake_service_pb2_grpc  # noqa: E402
import query_pb2  # noqa: E402
import query_service_pb2  # noqa: E402
import query_service_pb2_grpc  # noqa: E402

SOURCE = "py-feed"


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name} {detail}", flush=True)
        sys.exit(1)
    print(f"OK {name}", flush=True)


def event(event_id, grid="g001", latitude=None):
    location = common_pb2.Location(grid_id=grid, address="湖滨路 1 号")
    if latitude is not None:
        location.latitude = latitude
        location.longitude = 120.15
    return intake_pb2.IntakeEvent(
        source=SOURCE,
        source_event_id=event_id,
        message_type=intake_pb2.MESSAGE_TYPE_ALERT,
        category_code="11.01",
        location=location,
        description="垃圾堆放 (python interop)",
    )


def main():
    address, _, feed_token, viewer_token = sys.argv[1:5]
    feed = [("authorization", "Bearer " + feed_token)]
    viewer = [("authorization", "Bearer " + viewer_token)]
    options = [("grpc.enable_http_proxy", 0)]
    run_id = uuid.uuid4().hex[:8]
    with grpc.insecure_channel(address, options=options) as channel:
        intake = intake_service_pb2_grpc.EventIntakeStub(channel)
        query = query_service_pb2_grpc.QueryStub(channel)

        ping = intake.Ping(intake_service_pb2.PingRequest(), metadata=feed, timeout=30)
        check("ping", ping.caller.source == SOURCE and ping.caller.role == common_pb2.ROLE_FEED, repr(ping))

        ack = intake.Submit(intake_service_pb2.SubmitRequest(event=event(f"{run_id}-unary")), metadata=feed, timeout=30)
        check("submit", ack.incident_id.startswith("inc-") and ack.outcome == intake_pb2.INTAKE_OUTCOME_CREATED, repr(ack))
        detail = query.GetIncident(query_service_pb2.GetIncidentRequest(incident_id=ack.incident_id), metadata=viewer, timeout=30)
        check("get-incident", detail.incident.status == incident_pb2.INCIDENT_STATUS_REPORTED
              and len(detail.journal.entries) == 1 and detail.incident.grid_id == "g001", repr(detail.incident.status))

        def stream():
            for i in range(1, 1001):
                yield intake_service_pb2.StreamEvent(sequence=i, event=event(f"{run_id}-s{i}", grid=f"g{1 + i % 170:03d}"))

        acks = list(intake.SubmitStream(stream(), metadata=feed, timeout=120))
        sequences = sorted(a.sequence for a in acks)
        check("bidi-stream-1000",
              len(acks) == 1000 and sequences == list(range(1, 1001))
              and all(a.WhichOneof("result") == "ack" and a.ack.incident_id.startswith("inc-") for a in acks)
              and all(a.source_event_id == f"{run_id}-s{a.sequence}" for a in acks),
              f"{len(acks)} acks, first {acks[:1]!r}")

        check_watch(intake, query, feed, viewer, run_id)

        try:
            intake.Submit(intake_service_pb2.SubmitRequest(event=event(f"{run_id}-bad", latitude=95.0)), metadata=feed, timeout=30)
            check("error-invalid-argument", False, "no error raised")
        except grpc.RpcError as error:
            check("error-invalid-argument",
                  error.code() == grpc.StatusCode.INVALID_ARGUMENT and "location.latitude: out of range" in error.details(),
                  f"{error.code()} {error.details()!r}")

        try:
            intake.Submit(intake_service_pb2.SubmitRequest(event=event(f"{run_id}-anon")), timeout=30)
            check("error-unauthenticated", False, "no error raised")
        except grpc.RpcError as error:
            check("error-unauthenticated", error.code() == grpc.StatusCode.UNAUTHENTICATED, f"{error.code()} {error.details()!r}")

        # A feed reads the incidents of its own source (the hotline's callback 回访) but watches nothing.
        own = query.GetIncident(query_service_pb2.GetIncidentRequest(incident_id=ack.incident_id), metadata=feed, timeout=30)
        check("feed-reads-own", own.incident.id == ack.incident_id and own.incident.source == SOURCE, repr(own.incident.id))
        try:
            for _ in query.WatchIncidents(query_pb2.IncidentWatchQuery(from_now=True), metadata=feed, timeout=30):
                break
            check("error-permission-denied", False, "no error raised")
        except grpc.RpcError as error:
            check("error-permission-denied", error.code() == grpc.StatusCode.PERMISSION_DENIED, f"{error.code()} {error.details()!r}")

        try:
            # A watch that is caught up waits for changes: the deadline ends it.
            for _ in query.WatchIncidents(query_pb2.IncidentWatchQuery(from_now=True), metadata=viewer, timeout=0.5):
                pass
            check("deadline", False, "the watch ended without an error")
        except grpc.RpcError as error:
            check("deadline", error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, f"{error.code()} {error.details()!r}")

    print("ALL OK", flush=True)


def check_watch(intake, query, feed, viewer, run_id):
    """A viewer watches from now; an event submitted after the watch caught up arrives as a change."""
    watch = query.WatchIncidents(query_pb2.IncidentWatchQuery(from_now=True), metadata=viewer, timeout=60)
    first = next(watch)
    check("watch-caught-up", first.caught_up, repr(first))
    submitted = {}

    def submit():
        submitted["ack"] = intake.Submit(intake_service_pb2.SubmitRequest(event=event(f"{run_id}-watched")), metadata=feed, timeout=30)

    worker = threading.Thread(target=submit)
    worker.start()
    worker.join()
    wanted = submitted["ack"].incident_id
    for batch in watch:
        found = [c for c in batch.changes if c.incident_id == wanted]
        if found:
            change = found[0]
            check("watch", change.status == incident_pb2.INCIDENT_STATUS_REPORTED and change.position > first.position
                  and change.events[0].WhichOneof("kind") == "reported", repr(change))
            break
    watch.cancel()

    # Resume after that position: nothing before it comes again.
    resumed = query.WatchIncidents(query_pb2.IncidentWatchQuery(after_position=change.position), metadata=viewer, timeout=60)
    batch = next(resumed)
    check("watch-resume", all(c.position > change.position and c.incident_id != wanted for c in batch.changes), repr(batch))
    resumed.cancel()


if __name__ == "__main__":
    main()
