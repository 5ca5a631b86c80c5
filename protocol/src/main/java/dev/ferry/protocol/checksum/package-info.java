/** Page CRC-64 and the rolling database checksum (LiteFS-compatible), maintained per page. */
package dev.ferry.protocol.checksum;
