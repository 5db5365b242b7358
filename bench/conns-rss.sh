#!/bin/bash
# Benchmark (not a test): memory and responsiveness with many connections.
# Issue 17: the connection table stays responsive and bounded in memory with
# 10,000 connections (rows folded from the events, no connection's events
# kept). The bound this script checks: peak RSS of `replay --connections`
# and of the TUI with the table open at most 2 x tshark's for the same file
# (`tshark -q -z conv,tcp`, which keeps one conversation row per TCP
# stream), measured in the same run, and per connection above the
# 10-connection baseline at most 4 kB in batch (the table's row, its
# fingerprint strings, the engine's per-connection state) and 16 kB in the
# TUI (also its read-back index: 64 recent frames and 64 key-change offsets
# per direction, so a record of any connection can be read again).
#
# 1. Makes (or reuses with --keep) a capture of N connections: one real
#    HTTPS session (`tlsviz record`, the wolfSSL pair in a private
#    namespace) replicated N times with other client ports and later
#    timestamps (tests/e2e/replicate.py; the copies share the key log).
#    Made this way because N real handshakes take minutes; the rows are
#    the same kind of work (tests/e2e/test_connections_many.sh compares 200
#    real curl / s_client connections with tshark).
# 2. For N and for 10 (the baseline), peak RSS (GNU time %M) of
#      (a) tlsviz replay F --connections          (text table)
#      (b) tlsviz replay F --connections --json
#      (c) tshark -r F -q -z conv,tcp
#    and (d) the TUI: tlsviz replay F in a 180x50 tmux window until
#    "indexed 100 %", then C (the table), o (sorted by client), the time
#    from C to the sorted table on screen, VmHWM before quitting.
#    Prints the ratios to tshark and the kB per connection.
#
# Usage: bench/conns-rss.sh [--conns N] [--keep DIR]
#   TLSVIZ=path/to/tlsviz (default build/tlsviz of the source tree)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TLSVIZ=${TLSVIZ:-$src/build/tlsviz}
N=10000 keep=
while [ $# -gt 0 ]; do
	case $1 in
	--conns) N=$2; shift ;;
	--keep) keep=$2; shift ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
for t in tmux tshark /usr/bin/time /usr/bin/python3; do
	command -v "$t" >/dev/null || { echo "bench: missing $t (scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$TLSVIZ" ] || { echo "bench: no tlsviz binary at $TLSVIZ (set TLSVIZ=)" >&2; exit 2; }
if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else work=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-conns.XXXXXX"); fi
SOCK="tlsviz-conns-$$"
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; [ -n "$keep" ] || rm -rf "$work"; }
trap cleanup EXIT

one=$work/one.pcapng
[ -s "$one" ] || timeout 60 "$TLSVIZ" record -w "$one" >/dev/null 2>&1 || { echo "bench: tlsviz record failed" >&2; exit 1; }
capture() { # capture COUNT: the file of COUNT copies
	local f=$work/conns-$1.pcapng
	[ -s "$f" ] || timeout 600 /usr/bin/python3 "$src/tests/e2e/replicate.py" "$one" "$f" "$1" >&2
	echo "$f"
}
peak() { # peak COMMAND...: peak RSS in kB
	/usr/bin/time -o "$work/time.out" -f %M "$@" >/dev/null 2>&1 || true
	tail -1 "$work/time.out"
}
tui() { # tui FILE: "KB MS" (peak RSS, C-to-sorted-table time) or "fail WHY"
	local f=$1 pidf=$work/tui.pid pid i t0 t1
	screen() { tmux -L "$SOCK" capture-pane -p -t b 2>/dev/null; }
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	rm -f "$pidf"
	tmux -L "$SOCK" -f /dev/null new-session -d -s b -x 180 -y 50 \
		"echo \$\$ > $pidf; exec env TERM=screen LANG=C.UTF-8 $TLSVIZ replay $f"
	for i in $(seq 100); do [ -s "$pidf" ] && break; sleep 0.05; done
	pid=$(cat "$pidf" 2>/dev/null) || { echo "fail no-pid"; return; }
	for i in $(seq 3000); do screen | head -1 | grep -q 'indexed 100 %' && break; sleep 0.1; done
	screen | head -1 | grep -q 'indexed 100 %' || { echo "fail not-indexed"; return; }
	# the table may have opened by itself (more than one connection): close it, then C
	screen | grep -q 'Connections (enter' && tmux -L "$SOCK" send-keys -t b Escape
	for i in $(seq 50); do screen | grep -q 'Connections (enter' || break; sleep 0.1; done
	t0=$(date +%s%N)
	tmux -L "$SOCK" send-keys -t b C o
	for i in $(seq 1000); do screen | grep -q 'sorted by client address' && break; sleep 0.01; done
	t1=$(date +%s%N)
	screen | grep -q 'sorted by client address' || { echo "fail no-table"; return; }
	kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
	tmux -L "$SOCK" send-keys -t b Escape q
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	echo "$kb $(( (t1 - t0) / 1000000 ))"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "CPU: $cpu ($(nproc) cores); tlsviz $("$TLSVIZ" --version 2>/dev/null | head -1)"
printf '%-7s %-8s %-14s %-14s %-14s %-20s %s\n' conns file "--connections" "--json" "tshark conv" "TUI (C, o)" "C+o to screen"
declare -A R
for n in 10 "$N"; do
	f=$(capture "$n")
	R[$n,text]=$(peak "$TLSVIZ" replay "$f" --connections)
	R[$n,json]=$(peak "$TLSVIZ" replay "$f" --connections --json)
	R[$n,tshark]=$(peak tshark -r "$f" -q -z conv,tcp)
	read -r R[$n,tui] R[$n,ms] <<<"$(tui "$f")"
	printf '%-7s %-8s %-14s %-14s %-14s %-20s %s\n' "$n" "$(du -h "$f" | cut -f1)" "${R[$n,text]} kB" \
		"${R[$n,json]} kB" "${R[$n,tshark]} kB" "${R[$n,tui]} kB" "${R[$n,ms]} ms"
done
status=0
for k in text json tui; do
	v=${R[$N,$k]} base=${R[10,$k]} t=${R[$N,tshark]}
	[[ $v =~ ^[0-9]+$ ]] || { echo "$k: $v"; status=1; continue; }
	per=$(awk -v a="$v" -v b="$base" -v n="$N" 'BEGIN { printf "%.2f", (a - b) / (n - 10) }')
	ratio=$(awk -v a="$v" -v b="$t" 'BEGIN { printf "%.2f", a / b }')
	lim=4; [ $k = tui ] && lim=16
	ok=$(awk -v r="$ratio" -v p="$per" -v l="$lim" 'BEGIN { print (r <= 2 && p <= l) ? "ok" : "OVER" }')
	[ "$ok" = ok ] || status=1
	printf '%-6s %6.1f MB at %s connections: %s x tshark, %s kB per connection above 10 (bound %s) [%s]\n' "$k" \
		"$(awk -v a="$v" 'BEGIN { print a / 1024 }')" "$N" "$ratio" "$per" "$lim" "$ok"
done
exit $status
