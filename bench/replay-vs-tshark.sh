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
# 4. Times --batch --json of the same capture into a file (and, with
#    --baseline, the same commands of an older tlsviz binary, for ratios).
# 5. The hardware limit for the export, measured in the same run: reading the
#    capture from the page cache + decrypting its plaintext at the fastest
#    AEAD speed of wolfCrypt, libgcrypt and OpenSSL (bench/aead_speed.c) +
#    writing the exported bytes into the page cache; tlsviz as a multiple of it.
# Prints the CPU, its AES/CLMUL/AVX features and tlsviz's crypto backend.
#
# Usage: bench/replay-vs-tshark.sh [--size 50M] [--runs 5] [--suite aes128gcm|chacha20|all]
#                                  [--no-tshark] [--keep DIR] [--baseline OLD_TLSVIZ]
#   --size: 1M, 50M, 1G ... (a 1G capture needs ~2.2 GB in TMPDIR)
#   --no-tshark: only tlsviz (for RSS at a size where tshark takes too long)
#   --keep DIR: work in DIR and keep it; a capture of the same size there is reused
#   --baseline: an older tlsviz binary timed the same way (export and JSON)
#   TLSVIZ=path/to/tlsviz (default build/tlsviz of the source tree)
# Targets (issue 11): export >= 5x faster than tshark for AES-128-GCM and >= 3x
# for ChaCha20-Poly1305, within 2x of the hardware limit; peak RSS <= 32 MB
# and flat from 1 MB to 1 GB; --batch --json >= 3x faster than the baseline.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TLSVIZ=${TLSVIZ:-$src/build/tlsviz}
size=50M runs=5 suites=all tshark=1 keep= baseline=
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--runs) runs=$2; shift ;;
	--suite) suites=$2; shift ;;
	--no-tshark) tshark=0 ;;
	--keep) keep=$2; shift ;;
	--baseline) baseline=$2; shift ;;
	-h|--help) sed -n '2,37p' "$0"; exit 0 ;;
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
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "bench: --baseline $baseline is not executable" >&2; exit 2; }
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

# timed NAME COMMAND...: append "wall_s maxrss_kib user_s sys_s" to $tmp/NAME.times
# (wall clock to 0.1 ms from date, the rest from GNU time).
timed() {
	local name=$1 t0 t1; shift
	t0=$(date +%s%N)
	/usr/bin/time -f "%M %U %S" -o "$tmp/t.last" "$@" >/dev/null 2>"$tmp/$name.err" ||
		{ echo "bench: $name failed: $(tail -n3 "$tmp/$name.err")" >&2; exit 1; }
	t1=$(date +%s%N)
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}') $(cat "$tmp/t.last")" >>"$tmp/$name.times"
}

libs=(-lwolfssl)
[ -f /usr/include/gcrypt.h ] && libs+=(-lgcrypt)
[ -f /usr/include/openssl/evp.h ] && libs+=(-lcrypto)
cc -O2 -o "$tmp/aead_speed" "$src/bench/aead_speed.c" "${libs[@]}"

# secs_of COMMAND...: wall seconds of one run (3 decimals), output discarded.
secs_of() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", (b - a) / 1e9}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0) ? "%.2fx" : "n/a", a / b}'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); features:" \
	"$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'aes|pclmulqdq|avx2|vaes|vpclmulqdq|avx512f' | tr '\n' ' ')"
echo "tlsviz: $TLSVIZ ($("$TLSVIZ" --version | tr '\n' ' ')); $(tshark --version | head -1); size $size, $runs runs each"
for suite in $suites; do
	capture "$suite"
	verify "$suite"
	rm -f "$tmp"/*.times "$tmp"/*.secs
	for i in $(seq "$runs"); do
		rm -rf "$tmp/export" && mkdir -p "$tmp/export"
		timed tlsviz "$TLSVIZ" replay "$tmp/$suite.pcapng" --keylog "$tmp/$suite.keys" \
			--export-plaintext "$tmp/export"
		[ "$tshark" = 1 ] && timed tshark tshark -r "$tmp/$suite.pcapng" \
			-o "tls.keylog_file:$tmp/$suite.keys" -q -z follow,tls,raw,0
		timed json sh -c '"$1" replay "$2" --keylog "$3" --batch --json >"$4"' sh "$TLSVIZ" \
			"$tmp/$suite.pcapng" "$tmp/$suite.keys" "$tmp/out.json"
		if [ -n "$baseline" ]; then
			rm -rf "$tmp/export" && mkdir -p "$tmp/export"
			timed base "$baseline" replay "$tmp/$suite.pcapng" --keylog "$tmp/$suite.keys" \
				--export-plaintext "$tmp/export"
			timed basejson sh -c '"$1" replay "$2" --keylog "$3" --batch --json >"$4"' sh "$baseline" \
				"$tmp/$suite.pcapng" "$tmp/$suite.keys" "$tmp/out.json"
		fi
		# the hardware limit's parts, measured between the runs under the same load
		secs_of cat "$tmp/$suite.pcapng" >>"$tmp/read.secs"
		secs_of dd if=/dev/zero of="$tmp/write.bin" bs=1M count=$(( (bytes + 1048575) / 1048576 )) status=none >>"$tmp/write.secs"
		rm -f "$tmp/write.bin"
		"$tmp/aead_speed" "$suite" 0.5 >>"$tmp/aead.speeds"
	done
	tv=$(awk '{print $1}' "$tmp/tlsviz.times" | median)
	tvr=$(awk '{print $2}' "$tmp/tlsviz.times" | sort -n | tail -1)
	tvc=$(awk '{print $3 + $4}' "$tmp/tlsviz.times" | median)
	js=$(awk '{print $1}' "$tmp/json.times" | median)
	jsr=$(awk '{print $2}' "$tmp/json.times" | sort -n | tail -1)
	rd=$(median <"$tmp/read.secs")
	wr=$(median <"$tmp/write.secs")
	echo "== $suite, $size"
	echo "tlsviz export: median ${tv} s (CPU ${tvc} s), peak RSS $((tvr / 1024)) MB ($tvr KiB)," \
		"$(awk -v b="$bytes" -v t="$tv" 'BEGIN {printf "%.0f", b / t / 1e6}') MB/s of plaintext"
	if [ "$tshark" = 1 ]; then
		ts=$(awk '{print $1}' "$tmp/tshark.times" | median)
		tsr=$(awk '{print $2}' "$tmp/tshark.times" | sort -n | tail -1)
		want=5; [ "$suite" = chacha20 ] && want=3
		echo "tshark follow,tls,raw: median ${ts} s, peak RSS $((tsr / 1024)) MB"
		echo "speed ratio tshark/tlsviz: $(ratio "$ts" "$tv") (target >= ${want}x)"
	fi
	best=
	for lib in wolfcrypt libgcrypt openssl; do
		v=$(awk -v l=$lib '$2 == l {print $3}' "$tmp/aead.speeds" | median)
		[ "$v" = n/a ] && continue
		echo "raw $suite decryption, $lib: median $v MB/s"
		best=$(awk -v a="$v" -v b="${best:-0}" 'BEGIN {print (a > b) ? a : b}')
	done
	hw=$(awk -v r="$rd" -v w="$wr" -v b="$bytes" -v s="$best" 'BEGIN {printf "%.4f", r + w + b / (s * 1e6)}')
	echo "hardware limit: read ${rd} s + decrypt $(awk -v b="$bytes" -v s="$best" 'BEGIN {printf "%.4f", b / (s * 1e6)}') s at $best MB/s + write ${wr} s = ${hw} s"
	echo "tlsviz export / hardware limit: $(ratio "$tv" "$hw") (target <= 2x)"
	echo "tlsviz --batch --json: median ${js} s, peak RSS $((jsr / 1024)) MB, $(stat -c %s "$tmp/out.json") bytes"
	if [ -n "$baseline" ]; then
		bs=$(awk '{print $1}' "$tmp/base.times" | median)
		bj=$(awk '{print $1}' "$tmp/basejson.times" | median)
		echo "baseline $baseline: export ${bs} s, --batch --json ${bj} s; speed-up export $(ratio "$bs" "$tv"), json $(ratio "$bj" "$js") (target >= 3x)"
	fi
	echo "peak RSS target <= 32 MB: $([ "$tvr" -le 32768 ] && echo met || echo MISSED)"
done
