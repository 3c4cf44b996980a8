#!/usr/bin/env bash
# Runs every CityBrain test project and ends with one line: "N passed, N failed".
#
# Needs: the .NET SDK. Installs what else is missing (Debian packages): the PostgreSQL server, and for the
# gRPC interop tests python3-grpcio, protoc and grpc_python_plugin, for the console's browser tests chromium. Unless CITYBRAIN_PG names a server, it
# starts a private PostgreSQL (as the postgres user, on a free port, in a temporary data directory) and
# removes it afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  log "installing: $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || missing+=(python3-grpcio)
  command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
  [ -x /usr/bin/grpc_python_plugin ] || missing+=(protobuf-compiler-grpc)
  [ -x /usr/bin/chromium ] || missing+=(chromium)   # the console's Playwright tests (CityBrain.Console.Tests)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || { log "could not install ${missing[*]}"; exit 1; }
  fi
}

pg_dir=""
pg_bin=""
stop_postgres() {
  if [ -n "$pg_dir" ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}

run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_dir=$(mktemp -d /tmp/citybrain-test-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_dir"
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run_pg "$pg_bin/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null || { log "initdb failed"; exit 1; }
  cat >>"$pg_dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg_dir'
max_connections = 300
shared_buffers = 256MB
CONF
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 60 start >/dev/null || { log "PostgreSQL did not start:"; cat "$pg_dir/server.log" >&2; exit 1; }
  export CITYBRAIN_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  log "private PostgreSQL on 127.0.0.1:$port ($pg_dir)"
}

results=$(mktemp -d /tmp/citybrain-test-results.XXXXXX)
cleanup() { stop_postgres; pg_dir=""; rm -rf "$results"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_packages
if [ -z "${CITYBRAIN_PG:-}" ]; then start_postgres; else log "using CITYBRAIN_PG"; fi

log "building"
if ! build_output=$(dotnet build CityBrain.sln -c Debug -nologo -v quiet 2>&1); then
  echo "$build_output" | grep -E 'error' | sort -u >&2
  log "build failed"
  cleanup
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
for project in $(ls tests/*/*.Tests.csproj | sort); do
  name=$(basename "$project" .csproj)
  log "running $name"
  dotnet test "$project" --no-build -c Debug -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" 2>&1 | grep -vE '^\s*$'
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    log "$name produced no results (crashed?)"
    failed=$((failed + 1))
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  if [ "${t:-0}" -eq 0 ]; then
    log "$name ran no tests"
    f=$((f + 1))
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

cleanup
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
