#!/usr/bin/env bash
# Runs the replication benchmarks (dev.ferry.systemtest.bench.ReplicationBenchmark) against the built jars.
# Build first, from the repository root:   mvn -q -o -DskipTests package
# Then:   system-tests/replication-bench.sh [--what=lag,bootstrap,fanout,agent-rss] [--runs=2] [--seconds=10]
#                                           [--bootstrap-mib=1024] [--subscribers=20] [--out=DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
classpath_file="$here/target/test-classpath.txt"
primary="$here/../primary/target/ferry-primary.jar"
agent="$here/../replica-agent/target/ferry-agent.jar"
for needed in "$classpath_file" "$primary" "$agent" "$here/target/test-classes"; do
  if [[ ! -e "$needed" ]]; then
    echo "replication-bench.sh: $needed is missing; build first with: mvn -q -o -DskipTests package" >&2
    exit 1
  fi
done
cd "$here"
exec java -Dferry.primaryJar="$primary" -Dferry.agentJar="$agent" -Dferry.agentJvmOptions="$here/../bin/ferry-agent.jvm-options" \
  -cp "$here/target/test-classes:$(cat "$classpath_file")" \
  dev.ferry.systemtest.bench.ReplicationBenchmark "$@"
