package dev.ferry.primary.capture;

import java.util.SortedMap;

/**
 * One committed transaction read from the WAL: the last image of each page it wrote (by page
 * number), the database size in pages after it, and the position of its commit frame.
 */
public record WalTransaction(SortedMap<Integer, byte[]> pages, int commitPages, WalPosition position) {}
