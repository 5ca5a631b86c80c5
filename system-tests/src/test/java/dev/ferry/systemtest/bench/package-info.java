/**
 * The benchmark harness behind {@code docs/benchmarks.md}. Benchmarks are main classes launched by
 * {@code system-tests/bench.sh} and {@code system-tests/replication-bench.sh}, never tests: no test asserts a wall-clock figure.
 */
package dev.ferry.systemtest.bench;
