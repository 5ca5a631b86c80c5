/**
 * Ferry's shared formats: the replication protocol's version range and limits ({@link
 * dev.ferry.protocol.ProtocolVersion}, {@link dev.ferry.protocol.Limits}), its messages ({@code
 * frame}) and Netty codec ({@code codec}), the changeset, checksums and SQLite file-format facts. The
 * normative description is docs/protocol.md; this module holds no server code.
 */
package dev.ferry.protocol;
