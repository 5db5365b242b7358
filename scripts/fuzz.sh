#!/bin/bash
# Build the libFuzzer harnesses (clang, ASan+UBSan) and run each on its seed
# corpus for a fixed time, one after another with one job (the machine is
# shared). Prints the exec count each harness reached; exits 1 when any
# harness found a crash (the input is left in the work dir, named crash-*).
#
# Usage: scripts/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [-w WORK_DIR] [HARNESS...]
#   HARNESS: tlsdec capfile keylog reasm story hello (default: all six)
#   -t  seconds per harness (default 20; the pre-release run uses -t 300)
#   -b  fuzz build dir (default build-fuzz in the source tree)
#   -w  where the growing corpora and crash files go (default a temp dir)
# A finding: minimise it (fuzz_X -minimize_crash=1 -runs=10000 crash-...),
# fix the module, and keep it in tests/fuzz/regress/X/ (replayed by
# tests/unit/test_fuzz_regress.c in every build).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=20
build=$src/build-fuzz
work=
while getopts "t:b:w:" o; do
	case $o in
	t) secs=$OPTARG ;;
	b) build=$OPTARG ;;
	w) work=$OPTARG ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(tlsdec capfile keylog reasm story hello)
if [ -z "$work" ]; then
	work=$(mktemp -d /tmp/tlsviz-fuzz.XXXXXX)
fi
mkdir -p "$work"

CC=clang cmake -S "$src" -B "$build" -DTLSVIZ_FUZZ=ON -DTLSVIZ_SANITIZE=ON >"$work/cmake.log" 2>&1 ||
	{ cat "$work/cmake.log"; exit 1; }
targets=()
for h in "${harnesses[@]}"; do targets+=(--target "fuzz_$h"); done
cmake --build "$build" -j2 "${targets[@]}" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }

status=0
for h in "${harnesses[@]}"; do
	mkdir -p "$work/$h/corpus"
	log=$work/$h/log
	rc=0
	(cd "$work/$h" && "$build/tests/fuzz/fuzz_$h" -max_total_time="$secs" \
		-print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
		"$work/$h/corpus" "$src/tests/fuzz/corpus/$h") >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
	found=$(find "$work/$h" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \))
	crashes=$(printf '%s' "$found" | grep -c . || true)
	printf '%-8s %6ss  execs %-10s %-10s findings %s\n' "$h" "$secs" "${execs:-?}" "${cov:-}" "$crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		grep -E "ERROR|SUMMARY|#[0-9]+ 0x" "$log" | head -12 || true
		printf '%s\n' "$found"
	fi
done
echo "work dir: $work"
exit $status
