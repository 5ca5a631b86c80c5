#!/usr/bin/env bash
# Records bin/ferry-agent.classlist, the classes bin/ferry-agent-cds archives: the classes an agent
# loads to bootstrap ten databases, apply changesets, checkpoint, and answer /readyz, /healthz,
# /v1/databases, /v1/databases/{db}, /wait and /metrics. Write forwarding (java.net.http with its
# TLS classes, about a thousand) is left out on purpose: every class in the list is mapped and
# resident in every agent, used or not (docs/operations.md, "Agent JVM"); the first forwarded
# write loads those classes from the jar instead.
# Build first (mvn -q -o -DskipTests package), then: system-tests/agent-classlist.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
primary_pid=""
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  [[ -n "$primary_pid" ]] && kill "$primary_pid" 2>/dev/null && wait "$primary_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http=$(free_port); repl=$(free_port); agent_http=$(free_port)
await() { for _ in $(seq 300); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
sql() { curl -sf -H 'Authorization: Bearer t' -X POST "localhost:$http/v1/databases/$1/execute" -d "$2" >/dev/null; }

java -jar "$root/primary/target/ferry-primary.jar" serve --data-dir "$work/primary" --http-port "$http" \
  --replication-port "$repl" --token t >"$work/primary.log" 2>&1 &
primary_pid=$!
await "localhost:$http/healthz"
for i in $(seq 0 9); do
  curl -sf -H 'Authorization: Bearer t' -X PUT "localhost:$http/v1/databases/tenant-$i" >/dev/null
  sql "tenant-$i" '{"statements": ["CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)", "INSERT INTO t(v) SELECT hex(randomblob(100)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c)"]}'
done

FERRY_AGENT_CDS=off FERRY_JAVA_OPTS="-XX:DumpLoadedClassList=$work/agent.classlist" "$root/bin/ferry-agent" run \
  --primary "127.0.0.1:$repl" --data-dir "$work/agent" --db 'tenant-*' --token t --http-port "$agent_http" \
  >"$work/agent.log" 2>&1 &
agent_pid=$!
await "localhost:$agent_http/readyz"
# Changesets, enough frames for a checkpoint (1,000), then every read-only route.
for n in $(seq 1 1100); do
  sql tenant-0 '{"statements": ["INSERT INTO t(v) VALUES (hex(randomblob(100)))"]}'
done
txid=$(curl -sf -H 'Authorization: Bearer t' "localhost:$http/v1/databases/tenant-0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["txid"])')
curl -sf "localhost:$agent_http/v1/databases/tenant-0/wait?txid=$txid&timeout_ms=30000" >/dev/null
curl -s "localhost:$agent_http/v1/databases/tenant-0/wait?txid=$((txid + 1000))&timeout_ms=10" >/dev/null
curl -sf "localhost:$agent_http/healthz" "localhost:$agent_http/readyz" "localhost:$agent_http/v1/databases" \
  "localhost:$agent_http/v1/databases/tenant-1" "localhost:$agent_http/metrics" >/dev/null
sleep 2 # the idle checkpoint
kill "$agent_pid"
wait "$agent_pid" || true
agent_pid=""
cp "$work/agent.classlist" "$root/bin/ferry-agent.classlist"
echo "wrote $root/bin/ferry-agent.classlist: $(grep -vc '^#' "$root/bin/ferry-agent.classlist") entries"
