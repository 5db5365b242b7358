"""Compare `tlsviz replay --follow N --json` with tshark's
`-z follow,tls,raw,STREAM` (test_follow.sh): each side's decrypted bytes,
concatenated in order, must be equal. tshark 4.0 labels its two nodes
inconsistently (the server may be node 0, the client ":0"), so the two
streams are matched as a pair: lines starting with a tab are one side, the
others the other side.

usage: follow_oracle.py TSHARK_OUTPUT TLSVIZ_JSONL; exit 1 if they differ."""
import json
import sys

a, b = [], []
inside = False
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("====="):
        inside = not inside if not inside else False
        continue
    if not inside or line.startswith(("Follow:", "Filter:", "Node ")) or not line.strip():
        continue
    (b if line.startswith("\t") else a).append(line.strip())
theirs = sorted(["".join(a), "".join(b)])

mine = {"c2s": [], "s2c": []}
truncated = False
for line in open(sys.argv[2]):
    o = json.loads(line)
    if o.get("type") == "turn":
        mine[o["dir"]].append(o["hex"])
        truncated |= o["truncated"]
ours = sorted(["".join(mine["c2s"]), "".join(mine["s2c"])])
if truncated:
    print("a turn was truncated: compare a smaller connection")
    sys.exit(1)
if ours != theirs:
    for x, y in zip(ours, theirs):
        if x != y:
            print("differs: tlsviz %d bytes %s..., tshark %d bytes %s..." % (len(x) // 2, x[:40], len(y) // 2, y[:40]))
    sys.exit(1)
print("%d + %d bytes equal" % (len(ours[0]) // 2, len(ours[1]) // 2))
