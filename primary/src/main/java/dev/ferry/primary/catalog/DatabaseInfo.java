package dev.ferry.primary.catalog;

/**
 * What the catalog says of one database: its current position (txid and rolling checksum), page
 * size and page count, and the size of its replication log.
 */
public record DatabaseInfo(String name, long txid, long checksum, int pageSize, int pageCount, long logBytes) {}
