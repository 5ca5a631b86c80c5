/** File operations the primary's durability sequences are built from (reads, writes, fsyncs, atomic replace). */
package dev.ferry.primary.fileops;
