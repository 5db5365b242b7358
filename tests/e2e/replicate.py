#!/usr/bin/python3
"""Replicate the one TCP connection of a little-endian pcapng capture N times.

usage: replicate.py IN OUT N
IN holds one connection (tlsviz record's output: Ethernet, IPv4, TCP). OUT
gets IN's blocks up to its first packet (section header, interface, the
Decryption Secrets Block: all copies share the keys, as they share the
ClientHello's random), then copy k = 0..N-1 of every packet with the client's
port set to 10000 + k and the timestamps shifted by k times (the connection's
duration + 1 ms), so the copies follow one another like N short sessions.
IPv4 and TCP checksums are recomputed.
"""
import struct
import sys


def blocks(b):
    off = 0
    while off + 12 <= len(b):
        btype, blen = struct.unpack_from('<II', b, off)
        if blen < 12 or off + blen > len(b):
            sys.exit('replicate.py: bad block at offset %d' % off)
        yield btype, b[off:off + blen]
        off += blen


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def with_port(frame, server_port, client_port):
    """The Ethernet frame with the non-server TCP port replaced."""
    f = bytearray(frame)
    ip = 14
    ihl = (f[ip] & 0x0f) * 4
    tot = struct.unpack_from('!H', f, ip + 2)[0]
    tcp = ip + ihl
    sp, dp = struct.unpack_from('!HH', f, tcp)
    if sp != server_port:
        struct.pack_into('!H', f, tcp, client_port)
    if dp != server_port:
        struct.pack_into('!H', f, tcp + 2, client_port)
    seg = f[tcp:ip + tot]
    struct.pack_into('!H', seg, 16, 0)
    pseudo = bytes(f[ip + 12:ip + 20]) + struct.pack('!BBH', 0, 6, len(seg))
    struct.pack_into('!H', f, tcp + 16, csum(pseudo + bytes(seg)))
    struct.pack_into('!H', f, ip + 10, 0)
    struct.pack_into('!H', f, ip + 10, csum(bytes(f[ip:ip + ihl])))
    return bytes(f)


def main():
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    b = open(src, 'rb').read()
    head, pkts = [], []
    for btype, blk in blocks(b):
        if btype == 6:
            iface, hi, lo, cap, orig = struct.unpack_from('<IIIII', blk, 8)
            pkts.append((iface, (hi << 32) | lo, blk[28:28 + cap], orig))
        elif not pkts:
            head.append(blk)
    if not pkts:
        sys.exit('replicate.py: no packets in ' + src)
    # the server port: the destination port of the first packet (the SYN)
    server_port = struct.unpack_from('!H', pkts[0][2], 14 + (pkts[0][2][14] & 0x0f) * 4 + 2)[0]
    t0 = pkts[0][1]
    step = pkts[-1][1] - t0 + 1000  # microseconds (tlsviz writes if_tsresol 6)
    with open(dst, 'wb') as out:
        for blk in head:
            out.write(blk)
        for k in range(n):
            for iface, ts, frame, orig in pkts:
                data = with_port(frame, server_port, 10000 + k)
                t = ts + k * step
                pad = b'\0' * (-len(data) % 4)
                blen = 32 + len(data) + len(pad)
                out.write(struct.pack('<IIIIIII', 6, blen, iface, t >> 32, t & 0xffffffff, len(data), orig))
                out.write(data + pad + struct.pack('<I', blen))


main()
