#!/bin/bash
# Benchmark (not a test): run `tlsviz live --batch` N times (default 10) and
# report the median wall time, the peak RSS and, when the JSON output carries
# timestamps, the median time from the first event to the end of the first
# handshake (the client_finished stage).
# Usage: bench/live.sh [N] [extra tlsviz live flags...]   (TLSVIZ=path/to/tlsviz)
# Needs GNU time (/usr/bin/time, Debian package "time").
set -u
N=${1:-10}
shift || true
TLSVIZ=${TLSVIZ:-$(dirname "$0")/../build/tlsviz}
[ -x "$TLSVIZ" ] || { echo "bench: no tlsviz binary at $TLSVIZ (set TLSVIZ)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m}'; }

for i in $(seq 1 "$N"); do
  /usr/bin/time -f "%e %M" -o "$tmp/time.$i" timeout 60 "$TLSVIZ" live --batch --json "$@" \
    >"$tmp/out.$i" 2>"$tmp/err.$i" || echo "bench: run $i failed: $(head -c 200 "$tmp/err.$i")" >&2
  # first handshake done: ts of the client_finished stage minus the first event's ts (JSON Lines)
  awk -F'"ts_us":' 'NF > 1 { split($2, a, /[,}]/); if (!t0) t0 = a[1];
       if ($0 ~ /"name": ?"client_finished"/) { printf "%.3f\n", (a[1] - t0) / 1000; exit } }' "$tmp/out.$i" >"$tmp/hs.$i"
done
wall=$(for i in $(seq 1 "$N"); do awk '{print $1}' "$tmp/time.$i"; done | median)
rss=$(for i in $(seq 1 "$N"); do awk '{print $2}' "$tmp/time.$i"; done | sort -n | tail -1)
hs=$(cat "$tmp"/hs.* 2>/dev/null | median)
echo "runs: $N  flags: ${*:-(defaults)}"
echo "median wall time: ${wall} s"
echo "peak RSS: ${rss} KiB"
echo "median time to first handshake end: ${hs} ms"
