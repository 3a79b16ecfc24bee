#!/usr/bin/env bash
# Fuzzes the whole HTTP API with schemathesis against the local runner, with real bearer-token
# verification (LOCAL_AUTH=jwt) so unauthenticated requests are part of what is tested.
# Usage: local/fuzz.sh [MAX_EXAMPLES per operation, default 50]
# Checks: no 5xx, documented status codes and content types, responses valid against
# openapi.yaml, and requests that break the schema refused. Deterministic (no random seed).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install --quiet 'schemathesis>=4,<5'
cargo build --quiet -p backoffice-local
runner=./target/debug/backoffice-local
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
# A shop of its own, emptied afterwards: the runner keeps its emulator running between starts.
data=$(mktemp -d)
LOCAL_DATA_DIR="$data" LOCAL_AUTH=jwt PORT="$port" RUST_LOG=warn "$runner" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; LOCAL_DATA_DIR="$data" "$runner" reset >/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
    grep -q "backoffice is up" "$log" && break
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.5
done
grep -q "backoffice is up" "$log" || { cat "$log"; echo "the runner did not start"; exit 1; }
token=$("$runner" token)
st run openapi.yaml --url "http://127.0.0.1:$port" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "$examples" --generation-deterministic --workers 1 --no-color
