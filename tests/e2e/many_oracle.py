"""Versions and alerts per connection: `tlsviz replay --connections --json`
against tshark, which decrypts with the key log (test_connections_many.sh).

usage: many_oracle.py TSHARK_TSV TLSVIZ_JSONL
The TSV (-E aggregator=,) has: tcp.stream ip.src tcp.srcport
tcp.flags.syn tcp.flags.ack tls.handshake.type
tls.handshake.extensions.supported_version tls.handshake.version
tls.alert_message.desc. Prints the differences; exit 1 if any."""
import json
import sys

streams = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 9 or not f[0]:
        continue
    sid, src, sport, syn, ack, types, sv, hv, alerts = f[:9]
    s = streams.setdefault(sid, {"client": None, "version": None, "alerts": 0})
    if s["client"] is None and syn == "1" and ack == "0":
        s["client"] = "%s:%s" % (src, sport)
    types = types.split(",") if types else []
    if "2" in types and s["version"] is None:  # the ServerHello
        versions = sv.split(",") if sv else []
        if "0x0304" in versions:
            s["version"] = "TLS 1.3"
        elif hv:
            s["version"] = {"0x0303": "TLS 1.2", "0x0302": "TLS 1.1", "0x0301": "TLS 1.0"}.get(hv.split(",")[0])
    if alerts:
        s["alerts"] += len(alerts.split(","))

# a client port may come again in a later connection: the rows of one client
# address in the order they appeared, matched to the streams in theirs
ours = {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    ours.setdefault(o["client"], []).append(o)
bad = 0
for sid, s in sorted(streams.items(), key=lambda kv: int(kv[0])):
    o = ours[s["client"]].pop(0) if ours.get(s["client"]) else None
    if not o:
        print("stream %s: no row" % sid)
        bad += 1
        continue
    for k in ("version", "alerts"):
        if o.get(k) != s[k]:
            print("stream %s (%s) %s: tlsviz %r, tshark %r" % (sid, s["client"], k, o.get(k), s[k]))
            bad += 1
print("%d connections: versions and alert counts compared, %d differences" % (len(streams), bad))
sys.exit(1 if bad or not streams else 0)
