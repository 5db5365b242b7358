#!/bin/bash
# Benchmark (not a test): peak memory of replaying captures of growing size.
# Issue 11: replay of a 1 GB capture keeps peak RSS at most 32 MB, flat from
# 1 MB to 1 GB (bulk records are read back from the file on demand, not
# kept), batch and TUI; the TUI's first screen (a stage on the status line)
# in under 0.5 s and the whole index at >= 1 GB/s.
#
# 1. Makes (or reuses) TLS 1.3 captures of one HTTPS download of 1 MB, 50 MB
#    and 1 GB: OpenSSL s_server -WWW serves a random file to s_client in a
#    private network namespace (unshare -n as root, else unshare -rn), dumpcap
#    records lo, the peers write the NSS key log (bench/capture-lib.sh).
#    The served file is deleted as soon as its capture exists.
# 2. For each size, peak RSS (VmHWM) of
#      (a) tlsviz replay F --keylog K --batch --json > /dev/null  (GNU time %M)
#      (b) the TUI: tlsviz replay F --keylog K in a 120x40 tmux window, until
#          the status line says "indexed 100 %", then a folded record is
#          listed and selected (read back from the file), then q;
#          VmHWM is read from /proc/PID/status just before quitting;
#          the time from start to the first "stage N of" on the status line
#          (first screen, polled every 20 ms) and to "indexed 100 %" (the
#          index rate is the capture's size over that time).
#    and prints them against the targets.
#
# Usage: bench/replay-rss.sh [--sizes "1M 50M 1G"] [--keep DIR]
#   --keep DIR: work in DIR and keep the captures there (reused next time);
#               default: a temp dir under TMPDIR, deleted at the end
#   TLSVIZ=path/to/tlsviz (default build/tlsviz of the source tree)
# Disk: the 1G size needs ~2.1 GB in the work dir while it is being made.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TLSVIZ=${TLSVIZ:-$src/build/tlsviz}
sizes="1M 50M 1G" keep=
while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=$2; shift ;;
	--keep) keep=$2; shift ;;
	-h|--help) sed -n '2,24p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
for t in tmux dumpcap openssl unshare /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: missing $t (scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$TLSVIZ" ] || { echo "bench: no tlsviz binary at $TLSVIZ (set TLSVIZ=)" >&2; exit 2; }
# shellcheck source=bench/capture-lib.sh
source "$src/bench/capture-lib.sh"

if [ -n "$keep" ]; then
	work=$keep
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-rss.XXXXXX")
fi
SOCK="tlsviz-rss-$$"
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	rm -f "$work"/www/big.bin
	[ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

bytes_of() {
	case $1 in
	*G) echo $((${1%G} * 1000 * 1000 * 1000)) ;;
	*M) echo $((${1%M} * 1000 * 1000)) ;;
	*K) echo $((${1%K} * 1000)) ;;
	*) echo "$1" ;;
	esac
}

# tui_hwm F K: peak RSS (kB) of the TUI replaying F until indexed, with one
# folded record read back; prints "KB INDEX_SECONDS FIRST_SCREEN_SECONDS" or "fail WHY".
tui_hwm() {
	local f=$1 k=$2 pidf=$work/tui.pid pid t0 t1 tf i
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	rm -f "$pidf"
	tmux -L "$SOCK" -f /dev/null new-session -d -s rss -x 120 -y 40 \
		"echo \$\$ > $pidf; exec env TERM=screen LANG=C.UTF-8 $TLSVIZ replay $f --keylog $k"
	t0=$(date +%s.%N)
	for i in $(seq 100); do [ -s "$pidf" ] && break; sleep 0.05; done
	pid=$(cat "$pidf" 2>/dev/null) || { echo "fail no-pid"; return; }
	screen() { tmux -L "$SOCK" capture-pane -p -t rss 2>/dev/null; }
	tf=
	for i in $(seq 1500); do
		screen | head -1 | grep -Eq 'stage [0-9]+ of' && { tf=$(date +%s.%N); break; }
		sleep 0.02
	done
	for i in $(seq 6000); do
		screen | head -1 | grep -q 'indexed 100 %' && break
		sleep 0.1
	done
	t1=$(date +%s.%N)
	screen | head -1 | grep -q 'indexed 100 %' || { echo "fail not-indexed"; return; }
	# list a folded run and select its first record (read back from the file)
	tmux -L "$SOCK" send-keys -t rss Escape g
	for i in $(seq 80); do
		screen | grep -q 'folded (not kept' && break
		tmux -L "$SOCK" send-keys -t rss j
		sleep 0.1
	done
	tmux -L "$SOCK" send-keys -t rss Enter j
	sleep 0.5
	screen | grep -Eq 'record #[0-9]+ s2c application_data 16' || { echo "fail no-readback"; return; }
	kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
	tmux -L "$SOCK" send-keys -t rss q
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	echo "$kb $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(awk -v a="$t0" -v b="${tf:-0}" 'BEGIN { printf (b > 0) ? "%.2f" : "never", b - a }')"
}

printf '%-6s %-12s %-18s %-18s %-22s %s\n' size capture "batch --json RSS" "TUI RSS" "TUI indexing" "TUI first screen"
worst=0
for s in $sizes; do
	n=$(bytes_of "$s")
	out=$work/rss-$s
	if [ ! -s "$out.pcapng" ] || [ ! -s "$out.keys" ]; then
		bench_capture aes128gcm "$n" "$work/www" "$out" "$src" >&2
		rm -f "$work/www/big.bin"
	fi
	cap=$(du -h "$out.pcapng" | cut -f1)
	/usr/bin/time -o "$work/time.out" -f %M "$TLSVIZ" replay "$out.pcapng" --keylog "$out.keys" --batch --json \
		>/dev/null 2>&1 || true
	batch=$(tail -1 "$work/time.out")
	read -r tui secs first <<<"$(tui_hwm "$out.pcapng" "$out.keys")"
	for v in "$batch" "$tui"; do
		[[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt "$worst" ] && worst=$v
	done
	size_b=$(stat -c %s "$out.pcapng")
	printf '%-6s %-12s %-18s %-18s %-22s %s\n' "$s" "$cap" "$((batch / 1024)) MB ($batch kB)" \
		"$([[ $tui =~ ^[0-9]+$ ]] && echo "$((tui / 1024)) MB ($tui kB)" || echo "$tui $secs")" \
		"$([[ $tui =~ ^[0-9]+$ ]] && echo "${secs} s, $(awk -v b="$size_b" -v t="$secs" 'BEGIN {printf "%.2f", (t > 0) ? b / t / 1e9 : 0}') GB/s")" \
		"$([[ $tui =~ ^[0-9]+$ ]] && echo "${first} s")"
done
echo "targets: peak RSS at most 32 MB at every size (worst: $((worst / 1024)) MB: $([ "$worst" -le $((32 * 1024)) ] && echo met || echo MISSED));"
echo "         TUI first screen under 0.5 s, index at >= 1 GB/s (the 1G row; index times are polled every 0.1 s)"
