#!/usr/bin/env python3
"""Independent reference for Ferry's (LiteFS's) database checksum, used by PageChecksumsTest.

Written from the specification only, sharing no code with the Java implementation:
  * CRC-64 in Go's crc64.ISO variant: reflected polynomial 0xD800000000000000, initial value and
    final XOR all ones. The table is built bit by bit from the polynomial, and the check value of
    "123456789" (0xb90956c775a41001) is verified before anything else.
  * page checksum = CRC-64(pgno as big-endian u32 || page bytes) | 1 << 63
  * database checksum = 1 << 63 | XOR of the low 63 bits of every page checksum, pages 1 .. file
    size / page size, the page holding byte offset 0x40000000 (the lock-byte page) excluded.

Usage: ltx_checksum.py DB_FILE
Prints the page size, then the database checksum as 16 hex digits, then one line per page:
"PGNO CHECKSUM" (the lock-byte page is printed with checksum 0000000000000000).
"""
import struct
import sys

POLY = 0xD800000000000000
MASK64 = (1 << 64) - 1
FLAG = 1 << 63


def _table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


TABLE = _table()


def crc64(data, crc=0):
    crc ^= MASK64
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ MASK64


def main(path):
    check = crc64(b"123456789")
    if check != 0xB90956C775A41001:
        sys.exit("CRC-64 ISO self-check failed: %016x" % check)
    with open(path, "rb") as f:
        image = f.read()
    raw = struct.unpack(">H", image[16:18])[0]
    page_size = 65536 if raw == 1 else raw
    if len(image) % page_size:
        sys.exit("file of %d bytes is not a multiple of page size %d" % (len(image), page_size))
    lock_pgno = 0x40000000 // page_size + 1
    xor = 0
    lines = []
    for pgno in range(1, len(image) // page_size + 1):
        if pgno == lock_pgno:
            lines.append("%d %016x" % (pgno, 0))
            continue
        page = image[(pgno - 1) * page_size:pgno * page_size]
        # crc64() takes and returns the finished value; chaining finished values is how Go's
        # crc64.Update works, so CRC(a || b) = crc64(b, crc64(a)).
        checksum = crc64(page, crc64(struct.pack(">I", pgno))) | FLAG
        xor ^= checksum & ~FLAG
        lines.append("%d %016x" % (pgno, checksum))
    print(page_size)
    print("%016x" % (FLAG | xor))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
