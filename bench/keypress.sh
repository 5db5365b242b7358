#!/bin/bash
# Benchmark (not a test): keypress-to-redraw latency of the TUI with a big
# capture loaded (default about 10,000 application records: 5 MB served in
# 512-byte records by OpenSSL peers, see capture-lib.sh).
#
# tlsviz replay runs in a detached tmux window (120x40). For each sample the
# script snapshots the pane, sends one key, and polls `tmux capture-pane`
# until the text differs; the time from send-keys to the first changed
# snapshot is the latency. Keys cycle through G (last row: the end of the
# 10,000-record ladder), g (first row), e (eavesdropper/insider view), z
# (zoom the pane, twice), Tab (next pane); a key that leaves the screen as
# it was within 1 s (e.g. G in a pane already at its end) is counted apart,
# not as a latency. The figure
# includes tmux's own relay and one poll interval (a capture-pane call, a
# few ms), so it is an upper bound on tlsviz's own redraw time. The TUI's
# own figure comes from TLSVIZ_TIMING (tlsviz(1)): the microseconds from
# reading each key to the end of the redraw it caused, printed too.
#
# Usage: bench/keypress.sh [--records N] [--samples N] [--keep DIR]
#   TLSVIZ=path/to/tlsviz (default build/tlsviz of the source tree)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TLSVIZ=${TLSVIZ:-$src/build/tlsviz}
records=10000 samples=50 keep=
while [ $# -gt 0 ]; do
	case $1 in
	--records) records=$2; shift ;;
	--samples) samples=$2; shift ;;
	--keep) keep=$2; shift ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
for t in openssl dumpcap tmux unshare ip ss; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 2; }
done
[ -x "$TLSVIZ" ] || { echo "bench: no tlsviz binary at $TLSVIZ (set TLSVIZ)" >&2; exit 2; }
. "$src/bench/capture-lib.sh"
if [ -n "$keep" ]; then
	tmp=$keep
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-bench.XXXXXX")
fi
SOCK=tlsviz-bench-$$
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; [ -n "$keep" ] || rm -rf "$tmp"; }
trap cleanup EXIT

frag=512
rm -f "$tmp/timing"
if [ ! -s "$tmp/kp.pcapng" ]; then
	bench_capture aes128gcm $((records * frag)) "$tmp/www" "$tmp/kp" "$src" "$frag"
fi
nrec=$("$TLSVIZ" replay "$tmp/kp.pcapng" --keylog "$tmp/kp.keys" --batch | grep -c '^  record')
echo "capture: $(stat -c %s "$tmp/kp.pcapng") bytes, $nrec TLS records (tlsviz --batch)"

tm() { tmux -L "$SOCK" "$@"; }
snap() { tm capture-pane -p -t kp; }
tm -f /dev/null new-session -d -s kp -x 120 -y 40 \
	"env TERM=screen LANG=C.UTF-8 TLSVIZ_TIMING=$tmp/timing $TLSVIZ replay $tmp/kp.pcapng --keylog $tmp/kp.keys"
t0=$(date +%s%N)
until snap | grep -q '^ tlsviz | '; do
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 60000 ] || { echo "bench: TUI did not start" >&2; snap; exit 1; }
	sleep 0.05
done
echo "TUI up after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sleep 1

keys=(G g e z z Tab)
: >"$tmp/lat"
nochange=0
for i in $(seq 0 $((samples - 1))); do
	k=${keys[$((i % ${#keys[@]}))]}
	before=$(snap)
	t0=$(date +%s%N)
	tm send-keys -t kp "$k"
	while :; do
		now=$(snap)
		t1=$(date +%s%N)
		[ "$now" != "$before" ] && break
		[ $(( (t1 - t0) / 1000000 )) -lt 1000 ] || break
	done
	if [ "$now" = "$before" ]; then
		nochange=$((nochange + 1))
	else
		echo "$k $(( (t1 - t0) / 1000 ))" >>"$tmp/lat"
	fi
	sleep 0.1
done
t0=$(date +%s%N); snap >/dev/null; t1=$(date +%s%N)
poll=$(( (t1 - t0) / 1000 ))
tm send-keys -t kp q
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p)+1; printf "%.1f", a[i]/1000}'; }
echo "samples: $samples (keys ${keys[*]}), $nochange left the screen unchanged (not counted)"
echo "keypress to redraw: median $(awk '{print $2}' "$tmp/lat" | pct 0.5) ms, p95 $(awk '{print $2}' "$tmp/lat" | pct 0.95) ms, max $(awk '{print $2}' "$tmp/lat" | pct 1.0) ms"
for k in $(printf '%s\n' "${keys[@]}" | awk '!seen[$0]++'); do
	grep -q "^$k " "$tmp/lat" && echo "  $k: median $(awk -v k="$k" '$1 == k {print $2}' "$tmp/lat" | pct 0.5) ms"
done
echo "one capture-pane poll costs $poll us (included above)"
if [ -s "$tmp/timing" ]; then
	echo "inside tlsviz (TLSVIZ_TIMING, $(grep -c . "$tmp/timing") keys): median $(pct 0.5 <"$tmp/timing") ms, p95 $(pct 0.95 <"$tmp/timing") ms, max $(pct 1.0 <"$tmp/timing") ms"
else
	echo "inside tlsviz: no TLSVIZ_TIMING figures (this tlsviz does not write them)"
fi
