"""Bank invariant reader for Ferry's apply tests: a stock SQLite (python3's sqlite3) in its own process.

Usage: bank_reader.py DB MODE STOPFILE TOTAL SEED [PAUSE_MS]
MODE: rw (plain read-write open), ro (file:...?mode=ro URI), hold (ro, one long read transaction)
or big (ro, checks one random row of table big per transaction: length and CRC-32 only).
Loops read transactions until STOPFILE exists (creating STOPFILE.MODE.SEED.ready after the first
one), checking: sum(balance) == TOTAL, meta.seq never
decreases, blob length and CRC-32, PRAGMA quick_check now and then. Prints one JSON line at the end.
"""
import json
import os
import random
import sqlite3
import sys
import time
import zlib

db, mode, stop, total, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
pause = float(sys.argv[6]) / 1000.0 if len(sys.argv) > 6 else 0.0
ready = stop + "." + mode + "." + str(seed) + ".ready"
rnd = random.Random(seed)
if mode == "rw":
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
else:
    conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True, isolation_level=None, timeout=30)

stats = {"mode": mode, "txns": 0, "violations": 0, "errors": 0, "quick_checks": 0, "blobs_checked": 0,
         "min_seq": None, "max_seq": -1, "first_problem": None}


def problem(kind, text):
    stats[kind] += 1
    if stats["first_problem"] is None:
        stats["first_problem"] = "%s: %s" % (kind, text)
    sys.stderr.write("%s %s\n" % (kind, text))


def check_big():
    conn.execute("BEGIN")
    mx = conn.execute("SELECT max(id) FROM big").fetchone()[0] or 0
    for data, length, crc in conn.execute("SELECT data, len, crc FROM big WHERE id >= ? ORDER BY id LIMIT 1",
                                          (rnd.randint(0, mx),)).fetchall():
        stats["blobs_checked"] += 1
        if len(data) != length or (zlib.crc32(data) & 0xffffffff) != crc:
            problem("violations", "big blob len/crc mismatch")


def check_once(n, last_seq):
    conn.execute("BEGIN")
    seq = conn.execute("SELECT v FROM meta WHERE k = 'seq'").fetchone()[0]
    s, c = conn.execute("SELECT sum(balance), count(*) FROM accounts").fetchone()
    if s != total:
        problem("violations", "sum %s != %s at seq %s" % (s, total, seq))
    if seq < last_seq:
        problem("violations", "seq went back from %s to %s" % (last_seq, seq))
    if n % 200 == 0:
        rows = conn.execute("SELECT data, len, crc FROM blobs").fetchall()
    else:
        mx = conn.execute("SELECT max(id) FROM blobs").fetchone()[0] or 0
        rows = conn.execute("SELECT data, len, crc FROM blobs WHERE id >= ? ORDER BY id LIMIT 2",
                            (rnd.randint(0, mx),)).fetchall()
    for data, length, crc in rows:
        stats["blobs_checked"] += 1
        if len(data) != length or (zlib.crc32(data) & 0xffffffff) != crc:
            problem("violations", "blob len/crc mismatch at seq %s" % seq)
    if n % 3000 == 0:
        qc = conn.execute("PRAGMA quick_check").fetchone()[0]
        stats["quick_checks"] += 1
        if qc != "ok":
            problem("violations", "quick_check: %s" % qc)
    return seq


if mode == "hold":
    seq = check_once(1, -1)
    print(json.dumps({"mode": mode, "event": "holding", "seq": seq}), flush=True)
    while not os.path.exists(stop):
        time.sleep(0.01)
    conn.execute("COMMIT")
    stats["txns"] = 1
else:
    last = -1
    while not os.path.exists(stop):
        try:
            if mode == "big":
                check_big()
            else:
                last = check_once(stats["txns"], last)
            conn.execute("COMMIT")
            stats["txns"] += 1
            if stats["min_seq"] is None:
                stats["min_seq"] = last
                open(ready, "w").close()
            stats["max_seq"] = max(stats["max_seq"], last)
            if pause:
                time.sleep(pause)
        except sqlite3.Error as e:
            problem("errors", repr(e))
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
conn.close()
print(json.dumps(stats), flush=True)
