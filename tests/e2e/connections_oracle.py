"""Compare `tlsviz replay --connections --json` with tshark on one capture
(test_connections.sh): per TCP connection (matched by the client's address
and port) the packets, the TCP payload bytes each way, the server name and
JA3 / JA3S (full strings and MD5s) of the first ClientHello / ServerHello.
With a third file, JA4 too: tshark 4.0 has no JA4 field, so the JA4 of the
first ClientHello is computed here, per FoxIO's definition, from the lists
tshark decoded (suites, extension types, signature algorithms, supported
versions, ALPN, server name), hashed with Python's hashlib.

usage: connections_oracle.py TSHARK_FIELDS_TSV TLSVIZ_JSONL [CLIENT_HELLO_TSV]
The TSV has: tcp.stream ip.src tcp.srcport ip.dst tcp.dstport tcp.len
tcp.flags.syn tcp.flags.ack server_name ja3_full ja3 ja3s_full ja3s
CLIENT_HELLO_TSV (frames with a ClientHello, every occurrence ','-joined):
tcp.stream ciphersuite extension.type sig_hash_alg supported_version
alpn_str server_name handshake.version
Prints what differs; exit 1 if anything does."""
import hashlib
import json
import sys


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def nums(field):
    return [int(x, 0) for x in field.split(",") if x] if field else []


def ja4(f):
    """JA4 of one ClientHello from tshark's fields (TLS over TCP)."""
    suites = [v for v in nums(f[1]) if not grease(v)]
    exts = [v for v in nums(f[2]) if not grease(v)]
    sigs = [v for v in nums(f[3]) if not grease(v)]
    versions = [v for v in nums(f[4]) if not grease(v)] or nums(f[7])[:1]
    names = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}
    ver = names.get(max(versions), "00") if versions else "00"
    alpn = f[5].split(",")[0] if f[5] else ""
    a = "t%s%s%02d%02d%s" % (ver, "d" if 0 in exts else "i", min(len(suites), 99), min(len(exts), 99),
                             alpn[0] + alpn[-1] if alpn else "00")

    def h12(s):
        return hashlib.sha256(s.encode()).hexdigest()[:12] if s else "000000000000"

    b = ",".join("%04x" % v for v in sorted(suites))
    c = ",".join("%04x" % v for v in sorted(exts) if v not in (0, 0x10))
    if sigs and c:
        c += "_" + ",".join("%04x" % v for v in sigs)
    return "%s_%s_%s" % (a, h12(b), h12(c))

streams = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 13 or not f[0]:
        continue
    sid, src, sport, dst, dport, tlen, syn, ack, sni, ja3f, ja3, ja3sf, ja3s = f[:13]
    s = streams.setdefault(sid, {"packets": 0, "bytes": {}, "client": None})
    s["packets"] += 1
    if s["client"] is None and syn == "1" and ack == "0":
        s["client"] = "%s:%s" % (src, sport)
    if s["client"] is None:  # no SYN captured: the first sender
        s["client"] = "%s:%s" % (src, sport)
    s["bytes"].setdefault("%s:%s" % (src, sport), 0)
    s["bytes"]["%s:%s" % (src, sport)] += int(tlen or 0)
    # several hellos in one frame list several values: the first is the first hello
    if sni and "sni" not in s:
        s["sni"] = sni.split(",")[0]
    if ja3f and "ja3_full" not in s:
        s["ja3_full"], s["ja3"] = ja3f, ja3.split(",")[0]
    if ja3sf and "ja3s_full" not in s:
        s["ja3s_full"], s["ja3s"] = ja3sf, ja3s.split(",")[0]

if len(sys.argv) > 3:
    for line in open(sys.argv[3]):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 8 and f[0] in streams and "ja4" not in streams[f[0]]:
            streams[f[0]]["ja4"] = ja4(f)

# a client port may come again in a later connection (tshark: a new stream):
# the rows of one client address, in the order they appeared
ours, nrows = {}, 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    if o.get("type") == "connection_summary":
        ours.setdefault(o["client"], []).append(o)
        nrows += 1

bad = 0
for sid, s in sorted(streams.items(), key=lambda kv: int(kv[0])):
    o = ours[s["client"]].pop(0) if ours.get(s["client"]) else None
    if not o:
        print("stream %s (%s): no row" % (sid, s["client"]))
        bad += 1
        continue
    want = {
        "packets": s["packets"],
        "bytes_c2s": s["bytes"].get(s["client"], 0),
        "bytes_s2c": sum(v for k, v in s["bytes"].items() if k != s["client"]),
        "sni": s.get("sni"),
        "ja3_full": s.get("ja3_full"),
        "ja3": s.get("ja3"),
        "ja3s_full": s.get("ja3s_full"),
        "ja3s": s.get("ja3s"),
    }
    if len(sys.argv) > 3:
        want["ja4"] = s.get("ja4")
    for k, v in want.items():
        if o.get(k) != v:
            print("stream %s %s: tlsviz %r, tshark %r" % (sid, k, o.get(k), v))
            bad += 1
if nrows != len(streams):
    print("%d rows, %d TCP streams" % (nrows, len(streams)))
    bad += 1
print("%d connections compared, %d differences" % (len(streams), bad))
sys.exit(1 if bad or not streams else 0)
