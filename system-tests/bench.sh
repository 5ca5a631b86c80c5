#!/usr/bin/env bash
# Runs the write benchmark (dev.ferry.systemtest.bench.WriteBenchmark) against the built jar.
# Build first, from the repository root:   mvn -q -o -DskipTests package
# Then:                                    system-tests/bench.sh [--seconds=10] [--warmup-seconds=3] [--runs=2]
# Other benchmarks of the bench package:   system-tests/bench.sh --class=TenantsBenchmark [--databases=10000] ...
# The build writes the test classpath to system-tests/target/test-classpath.txt (maven-dependency-plugin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
classpath_file="$here/target/test-classpath.txt"
jar="$here/../primary/target/ferry-primary.jar"
for needed in "$classpath_file" "$jar" "$here/target/test-classes"; do
  if [[ ! -e "$needed" ]]; then
    echo "bench.sh: $needed is missing; build first with: mvn -q -o -DskipTests package" >&2
    exit 1
  fi
done
main=WriteBenchmark
if [[ "${1:-}" == --class=* ]]; then
  main="${1#--class=}"
  shift
fi
cd "$here"
exec java -Dferry.primaryJar="$jar" -cp "$here/target/test-classes:$(cat "$classpath_file")" \
  "dev.ferry.systemtest.bench.$main" "$@"
