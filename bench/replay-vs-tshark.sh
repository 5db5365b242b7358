#!/bin/bash
# Benchmark (not a test): replay speed and memory of tlsviz against tshark on
# the same big TLS 1.3 captures, and against wolfCrypt's raw AEAD speed.
#
# 1. Makes a capture per suite (AES-128-GCM and ChaCha20-Poly1305): OpenSSL
#    s_server -WWW serves a random file of --size bytes to s_client in a
#    private network namespace (unshare -n as root, else unshare -rn);
#    dumpcap records lo, the peers write the NSS key log.
# 2. Checks tlsviz recovers every byte (the exported server stream is the
#    HTTP header plus the file, compared with cmp).
# 3. Times, alternating, --runs runs each of
#      tlsviz replay F --keylog K --export-plaintext DIR
#      tshark -r F -o tls.keylog_file:K -q -z follow,tls,raw,0
#    and prints the medians, the speed ratio and both peak RSS values
#    (GNU time %M; Debian package "time").
# 4. Builds bench/aead_speed.c against -lwolfssl and prints tlsviz's
#    throughput as a fraction of the raw AEAD decryption speed.
#
# Usage: bench/replay-vs-tshark.sh [--size 50M] [--runs 5] [--suite aes128gcm|chacha20|all]
#                                  [--no-tshark] [--keep DIR]
#   --size: 1M, 50M, 1G ... (a 1G capture needs ~2.2 GB in TMPDIR)
#   --no-tshark: only tlsviz (for RSS at a size where tshark takes too long)
#   --keep DIR: work in DIR and keep it; a capture of the same size there is reused
#   TLSVIZ=path/to/tlsviz (default build/tlsviz of the source tree)
# Targets (issue 7): tlsviz >= 2.5x faster than tshark, >= 80 % of the raw
# AEAD speed, peak RSS <= 32 MB and flat from 1 MB to 1 GB.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TLSVIZ=${TLSVIZ:-$src/build/tlsviz}
size=50M runs=5 suites=all tshark=1 keep=
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--runs) runs=$2; shift ;;
	--suite) suites=$2; shift ;;
	--no-tshark) tshark=0 ;;
	--keep) keep=$2; shift ;;
	-h|--help) sed -n '2,29p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$suites" = all ] && suites="aes128gcm chacha20"
for t in openssl dumpcap tshark cc cmp unshare ip ss numfmt; do
	command -v "$t" >/dev/null || { echo "bench: needs $t" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (Debian package time)" >&2; exit 2; }
[ -x "$TLSVIZ" ] || { echo "bench: no tlsviz binary at $TLSVIZ (set TLSVIZ)" >&2; exit 2; }
bytes=$(numfmt --from=iec "$size")
. "$src/bench/capture-lib.sh"

if [ -n "$keep" ]; then
	tmp=$keep
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-bench.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
fi

median() { sort -g | awk '{a[NR]=$1} END {if (!NR) {print "n/a"; exit} print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# capture SUITE: $tmp/SUITE.pcapng + $tmp/SUITE.keys of one download of $tmp/www/big.bin.
# With --keep, a capture already there for this size is reused.
capture() {
	if [ -n "$keep" ] && [ -s "$tmp/$1.pcapng" ] && [ -s "$tmp/$1.keys" ] &&
		[ "$(stat -c %s "$tmp/www/big.bin" 2>/dev/null)" = "$bytes" ]; then
		return 0
	fi
	bench_capture "$1" "$bytes" "$tmp/www" "$tmp/$1" "$src"
}

# verify SUITE: tlsviz's exported server stream is the HTTP header + the file.
verify() {
	local suite=$1 out=$tmp/export
	rm -rf "$out" && mkdir -p "$out"
	"$TLSVIZ" replay "$tmp/$suite.pcapng" --keylog "$tmp/$suite.keys" --export-plaintext "$out" >/dev/null
	local s2c
	s2c=$(find "$out" -name '*s2c*' | head -n1)
	[ -n "$s2c" ] || { echo "bench: $suite: tlsviz exported no server stream" >&2; ls "$out" >&2; exit 1; }
	# the server stream is a short HTTP header, then the file
	local extra=$(( $(stat -c %s "$s2c") - bytes ))
	[ "$extra" -gt 0 ] && [ "$extra" -lt 200 ] && tail -c "$bytes" "$s2c" | cmp -s - "$tmp/www/big.bin" ||
		{ echo "bench: $suite: exported stream differs from the served file" >&2; exit 1; }
	echo "$suite: capture $(stat -c %s "$tmp/$suite.pcapng") bytes, tlsviz recovered all $bytes bytes of the file"
}

# timed NAME COMMAND...: append "wall_s maxrss_kib user_s sys_s" to $tmp/NAME.times.
timed() {
	local name=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/t.last" "$@" >/dev/null 2>"$tmp/$name.err" ||
		{ echo "bench: $name failed: $(tail -n3 "$tmp/$name.err")" >&2; exit 1; }
	cat "$tmp/t.last" >>"$tmp/$name.times"
}

cc -O2 -o "$tmp/aead_speed" "$src/bench/aead_speed.c" -lwolfssl
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "tlsviz: $TLSVIZ ($("$TLSVIZ" --version)); $(tshark --version | head -1); size $size, $runs runs each"
for suite in $suites; do
	capture "$suite"
	verify "$suite"
	rm -f "$tmp"/*.times "$tmp/aead.speeds"
	for i in $(seq "$runs"); do
		rm -rf "$tmp/export" && mkdir -p "$tmp/export"
		timed tlsviz "$TLSVIZ" replay "$tmp/$suite.pcapng" --keylog "$tmp/$suite.keys" \
			--export-plaintext "$tmp/export"
		[ "$tshark" = 1 ] && timed tshark tshark -r "$tmp/$suite.pcapng" \
			-o "tls.keylog_file:$tmp/$suite.keys" -q -z follow,tls,raw,0
		# the AEAD ceiling, measured between the runs under the same load
		"$tmp/aead_speed" "$suite" 1 | awk '{print $2}' >>"$tmp/aead.speeds"
	done
	tv=$(awk '{print $1}' "$tmp/tlsviz.times" | median)
	tvr=$(awk '{print $2}' "$tmp/tlsviz.times" | sort -n | tail -1)
	tvc=$(awk '{print $3 + $4}' "$tmp/tlsviz.times" | median)
	aead=$(median <"$tmp/aead.speeds")
	thr=$(awk -v b="$bytes" -v t="$tv" 'BEGIN {printf "%.1f", b / t / 1e6}')
	thrc=$(awk -v b="$bytes" -v t="$tvc" 'BEGIN {printf "%.1f", (t > 0) ? b / t / 1e6 : 0}')
	echo "== $suite, $size"
	echo "tlsviz: median ${tv} s, peak RSS $((tvr / 1024)) MB ($tvr KiB), ${thr} MB/s of plaintext"
	if [ "$tshark" = 1 ]; then
		ts=$(awk '{print $1}' "$tmp/tshark.times" | median)
		tsr=$(awk '{print $2}' "$tmp/tshark.times" | sort -n | tail -1)
		echo "tshark: median ${ts} s, peak RSS $((tsr / 1024)) MB ($tsr KiB)"
		echo "speed ratio tshark/tlsviz: $(awk -v a="$ts" -v b="$tv" 'BEGIN {printf "%.2fx", a / b}') (target >= 2.5x)"
	fi
	echo "tlsviz CPU (user+sys): median ${tvc} s, ${thrc} MB/s per CPU second"
	echo "raw wolfCrypt $suite decrypt: median ${aead} MB/s; tlsviz wall-clock throughput at $(awk -v a="$thr" -v b="$aead" 'BEGIN {printf "%.0f%%", 100 * a / b}') of it, per CPU second at $(awk -v a="$thrc" -v b="$aead" 'BEGIN {printf "%.0f%%", 100 * a / b}') (target >= 80%)"
	echo "peak RSS target <= 32 MB: $([ "$tvr" -le 32768 ] && echo met || echo MISSED)"
done
