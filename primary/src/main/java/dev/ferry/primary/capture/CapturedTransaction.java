package dev.ferry.primary.capture;

import dev.ferry.protocol.changeset.Changeset;

/** A committed WAL transaction turned into a changeset, with its encoding and WAL position. */
public record CapturedTransaction(Changeset changeset, byte[] encoded, WalPosition position) {}
