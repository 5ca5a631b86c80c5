/**
 * System tests: {@code *IT} classes run the built jars as real child processes (one log file per
 * node under {@code target/system-tests/}), and check durability and correctness from the outside,
 * through HTTP and through stock SQLite in other processes. Scenario classes are named by topology
 * ({@code Primary…IT}, {@code SingleReplica…IT}, {@code MultiReplica…IT}).
 */
package dev.ferry.systemtest;
