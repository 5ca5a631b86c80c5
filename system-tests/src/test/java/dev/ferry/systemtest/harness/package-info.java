/**
 * What system tests and benchmarks use to drive real processes: launching and killing the primary
 * ({@link dev.ferry.systemtest.harness.PrimaryProcess}) and agents
 * ({@link dev.ferry.systemtest.harness.AgentProcess}), network faults between them
 * ({@link dev.ferry.systemtest.harness.FaultProxy}), reader processes that check the bank invariant
 * ({@link dev.ferry.systemtest.harness.ReplicaReader}), convergence checks, cleaning up after a test
 * ({@link dev.ferry.systemtest.harness.FerryProcesses}), the HTTP API client, workloads with their
 * ledgers of acknowledged writes, and inspection of database files with stock SQLite.
 */
package dev.ferry.systemtest.harness;
