"""Commit-to-visible reader for Ferry's apply benchmark (python3's sqlite3, mode=ro, own process).

Reads a target seq per line on stdin, then polls meta.seq (one read transaction per poll) until it
reaches the target, and answers "SEQ MONOTONIC_NS" on stdout. Polls only while a write is
outstanding, yielding the CPU between polls so that on a small machine the spinning reader does not
take the core the agent needs to finish the write. A negative number ends it.
"""
import os
import sqlite3
import sys
import time

conn = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, isolation_level=None)
for line in sys.stdin:
    target = int(line)
    if target < 0:
        break
    while conn.execute("SELECT v FROM meta WHERE k = 'seq'").fetchone()[0] < target:
        os.sched_yield()
    sys.stdout.write("%d %d\n" % (target, time.monotonic_ns()))
    sys.stdout.flush()
