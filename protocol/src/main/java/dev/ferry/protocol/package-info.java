/**
 * Ferry's shared formats: the changeset, checksums and SQLite file-format facts. The normative
 * description is docs/protocol.md; this module holds no server code.
 */
package dev.ferry.protocol;
