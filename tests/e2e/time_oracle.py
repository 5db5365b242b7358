"""Compare the times tlsviz prints with tshark's on one capture
(test_time.sh).

usage: time_oracle.py TEXT JSONL RECORDS_TSV HELLOS_TSV
  TEXT         tlsviz replay --batch --time rel: every "record ... at T (+D)"
  JSONL        tlsviz replay --json: final stages with round_trip / rtt_us
  RECORDS_TSV  tshark: frame.time_epoch, tls.record.length (every record
               of the frame, ','-joined); the first line is the capture's
               first frame (tshark -c 1), with no length
  HELLOS_TSV   tshark, frames with a ClientHello or ServerHello:
               tcp.stream frame.time_epoch tls.handshake.type (','-joined)
Checks: the multiset of (time, record length) equals tshark's (a record is
dated by the frame tshark shows it in); each D is the difference to the
previous record line's time (times are microseconds, an epoch time's
nanoseconds cut as libpcap cuts them); per connection, round trip 1's rtt_us equals
the ServerHello frame's time minus the ClientHello frame's (microseconds).
Prints what differs; exit 1 if anything does."""
import collections
import json
import re
import sys
from decimal import Decimal

text, jsonl, rec_tsv, hello_tsv = sys.argv[1:5]
bad = 0

ours, prev = collections.Counter(), None
for line in open(text):
    m = re.match(r"  record  \S+ \S+, (\d+) bytes .* at (\d+\.\d{6}) \(([+-]\d+\.\d{6})\)$", line)
    if not m:
        if line.startswith("  record  "):
            print("a record line without its time: %r" % line)
            bad += 1
        continue
    length, t, d = int(m.group(1)), Decimal(m.group(2)), Decimal(m.group(3))
    ours[(t, length)] += 1
    if prev is not None and d != t - prev:
        print("delta %s after %s, time %s" % (d, prev, t))
        bad += 1
    prev = t

def us(epoch):
    return int(Decimal(epoch) * 1000000)


theirs, t0 = collections.Counter(), None
for line in open(rec_tsv):
    f = line.rstrip("\n").split("\t")
    if t0 is None:
        t0 = us(f[0])
        continue
    if len(f) < 2 or not f[1]:
        continue
    t = Decimal(us(f[0]) - t0) / 1000000
    for n in f[1].split(","):
        theirs[(t, int(n))] += 1

for k in sorted((ours - theirs).keys()):
    print("tlsviz has a %d-byte record at %s, tshark does not" % (k[1], k[0]))
    bad += 1
for k in sorted((theirs - ours).keys()):
    print("tshark has a %d-byte record at %s, tlsviz does not" % (k[1], k[0]))
    bad += 1

# round trip 1: ClientHello frame -> ServerHello frame, per TCP stream
first = collections.defaultdict(dict)
for line in open(hello_tsv):
    f = line.rstrip("\n").split("\t")
    if len(f) < 3:
        continue
    t_us = us(f[1])
    for ty in f[2].split(","):
        if ty in ("1", "2") and ty not in first[f[0]]:
            first[f[0]][ty] = t_us
want = sorted(v["2"] - v["1"] for v in first.values() if "1" in v and "2" in v)
got = []
for line in open(jsonl):
    o = json.loads(line)
    if o.get("type") == "stage" and o.get("final") and o.get("round_trip") == 1 and o.get("dir") == "s2c" \
            and "rtt_us" in o:
        got.append(o["rtt_us"])
got.sort()
if got != want:
    print("round trip 1: tlsviz %s us, tshark %s us" % (got, want))
    bad += 1
print("%d records and %d round trips compared, %d differences" % (sum(ours.values()), len(want), bad))
sys.exit(1 if bad or not ours else 0)
