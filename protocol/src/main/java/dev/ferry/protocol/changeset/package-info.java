/** The changeset: one committed transaction's page images and checksums, and its binary encoding. */
package dev.ferry.protocol.changeset;
