#!/usr/bin/python3
"""Damage a copy of a capture file the way a bad copy or a disk error does.

usage: damage.py IN OUT KIND PERCENT
  KIND trailer  pcapng: the trailing length of the block at PERCENT of the file
                 disagrees with its leading length
       cut      the file ends in the middle of the block at PERCENT
       garbage  64 bytes of 0xff written over the block at PERCENT, from
                 its start (pcapng) or over the record header (pcap)
       caplen   pcap: the record at PERCENT has an absurd captured length
Prints "OFFSET FRAMES_BEFORE": the damaged block's (record's) offset and how
many packets lie wholly before it.
"""
import struct
import sys


def pcapng_blocks(b):
    off, out = 0, []
    while off + 12 <= len(b):
        t, n = struct.unpack_from("<II", b, off)
        out.append((off, t, n))
        off += n
    return out


def pcap_records(b):
    off, out = 24, []
    while off + 16 <= len(b):
        incl = struct.unpack_from("<I", b, off + 8)[0]
        out.append((off, 1, 16 + incl))
        off += 16 + incl
    return out


def main():
    src, dst, kind, pct = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    b = bytearray(open(src, "rb").read())
    ng = b[:4] == b"\x0a\x0d\x0d\x0a"
    recs = pcapng_blocks(b) if ng else pcap_records(b)
    pkt = 6 if ng else 1  # EPB / pcap record
    target = len(b) * pct // 100
    # the first packet block at or after PERCENT of the file
    i = next(k for k, r in enumerate(recs) if r[0] >= target and r[1] == pkt)
    off, _, n = recs[i]
    before = sum(1 for r in recs[:i] if r[1] == pkt)
    if kind == "trailer":
        struct.pack_into("<I", b, off + n - 4, n + 8)
    elif kind == "cut":
        del b[off + n // 2:]
    elif kind == "garbage":
        b[off:off + 64] = b"\xff" * 64
    elif kind == "caplen":
        struct.pack_into("<I", b, off + 8, 0x7FFFFF00)
    else:
        sys.exit("unknown kind " + kind)
    open(dst, "wb").write(b)
    print(off, before)


main()
