package dev.ferry.agent.apply;

/**
 * What a checkpoint achieved.
 *
 * @param mxFrame    the last committed frame in the WAL when the checkpoint ran
 * @param nBackfill  frames now copied into the database file
 * @param complete   every committed frame is in the database file
 * @param busy       another process held the checkpoint lock, so nothing was done
 * @param walBytes   size of the WAL file afterwards
 */
public record CheckpointResult(long mxFrame, long nBackfill, boolean complete, boolean busy, long walBytes) {}
