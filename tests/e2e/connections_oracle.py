"""Compare `tlsviz replay --connections --json` with tshark on one capture
(test_connections.sh): per TCP connection (matched by the client's address
and port) the packets, the TCP payload bytes each way, the server name and
JA3 / JA3S (full strings and MD5s) of the first ClientHello / ServerHello.

usage: connections_oracle.py TSHARK_FIELDS_TSV TLSVIZ_JSONL
The TSV has: tcp.stream ip.src tcp.srcport ip.dst tcp.dstport tcp.len
tcp.flags.syn tcp.flags.ack server_name ja3_full ja3 ja3s_full ja3s
Prints what differs; exit 1 if anything does."""
import json
import sys

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
    for k, v in want.items():
        if o.get(k) != v:
            print("stream %s %s: tlsviz %r, tshark %r" % (sid, k, o.get(k), v))
            bad += 1
if nrows != len(streams):
    print("%d rows, %d TCP streams" % (nrows, len(streams)))
    bad += 1
print("%d connections compared, %d differences" % (len(streams), bad))
sys.exit(1 if bad or not streams else 0)
