"""Serializes SQLite databases for tests, in a process of its own with Python's own SQLite build.

Reads lines "DB_PATH<TAB>OUT_PATH" from stdin; for each, opens DB_PATH read-only, writes the
exact bytes of the database as a reader sees it (sqlite3_serialize: the pages, WAL included) to
OUT_PATH, and answers "ok <page count>" or "error <message>" on stdout.
"""
import sqlite3
import sys

for line in sys.stdin:
    line = line.rstrip("\n")
    if not line:
        continue
    db_path, out_path = line.split("\t")
    try:
        con = sqlite3.connect("file:" + db_path + "?mode=ro", uri=True)
        try:
            data = con.serialize()
            pages = con.execute("PRAGMA page_count").fetchone()[0]
        finally:
            con.close()
        with open(out_path, "wb") as f:
            f.write(data)
        print("ok", pages, flush=True)
    except Exception as e:  # reported to the test, which fails with the message
        print("error", repr(e), flush=True)
