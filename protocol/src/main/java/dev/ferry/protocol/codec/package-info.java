/**
 * The Netty codec of the replication protocol: {@link dev.ferry.protocol.codec.FrameDecoder} and
 * {@link dev.ferry.protocol.codec.FrameEncoder} frame messages as length, type, payload and
 * CRC-32C, and a failure is one of four exceptions by class: corrupt, too large, unsupported,
 * truncated. Put them after TLS and before the connection's handler, which closes the channel on
 * any of them. docs/protocol.md, "Replication frames", is the normative description.
 */
package dev.ferry.protocol.codec;
