/** Reading committed transactions out of SQLite's WAL after each commit and at recovery. */
package dev.ferry.primary.capture;
