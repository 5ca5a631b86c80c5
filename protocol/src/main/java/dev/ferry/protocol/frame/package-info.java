/**
 * The messages of the replication protocol: {@link dev.ferry.protocol.frame.FrameType} with its
 * fixed codes and one immutable record per message, each encoding and decoding its own payload and
 * checking its own validity rules. CHANGESET pieces are cut by {@link
 * dev.ferry.protocol.frame.ChangesetChunker} and joined by {@link
 * dev.ferry.protocol.frame.ChangesetAssembler}. Framing (length, type, CRC) is the {@code codec}
 * package's job. docs/protocol.md, "Replication frames", is the normative description.
 */
package dev.ferry.protocol.frame;
