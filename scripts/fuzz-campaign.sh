#!/bin/bash
# A fuzzing campaign (not CI): each harness until it has run --execs inputs
# or --hours have passed, whichever comes first, one after another, with
# the growing corpus kept in the work dir; then each corpus is minimised
# (libFuzzer -merge=1) into tests/fuzz/corpus/<harness> with --keep, and a
# table (date, execs, coverage, corpus size, findings) is printed for
# tests/fuzz/README.md. Findings stop nothing: they are listed, and each must
# be minimised, fixed and kept in tests/fuzz/regress/<harness>/.
#
# Usage: scripts/fuzz-campaign.sh [--execs N] [--hours H] [--work DIR] [--keep]
#                                 [--jobs J] [HARNESS...]
#   --execs: per harness (default 10000000)   --hours: per harness (default 2)
#   --jobs: libFuzzer fork mode with J workers (default 1)
#   --keep: write the minimised corpora into the source tree
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
execs=10000000 hours=2 work=/tmp/tlsviz-fuzz-campaign keep=0 jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	--execs) execs=$2; shift ;;
	--hours) hours=$2; shift ;;
	--work) work=$2; shift ;;
	--keep) keep=1 ;;
	--jobs) jobs=$2; shift ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	-*) echo "fuzz-campaign: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(keylog reasm story tlsdec capfile hello)
build=$src/build-fuzz
mkdir -p "$work"
CC=clang cmake -S "$src" -B "$build" -DTLSVIZ_FUZZ=ON -DTLSVIZ_SANITIZE=ON >"$work/cmake.log" 2>&1 ||
	{ cat "$work/cmake.log"; exit 1; }
targets=()
for h in "${harnesses[@]}"; do targets+=(--target "fuzz_$h"); done
cmake --build "$build" -j2 "${targets[@]}" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }

secs=$(awk -v h="$hours" 'BEGIN {printf "%d", h * 3600}')
echo "| date | harness | execs | seconds | coverage (edges) | features | corpus (minimised) | findings |"
echo "|---|---|---|---|---|---|---|---|"
for h in "${harnesses[@]}"; do
	d=$work/$h
	mkdir -p "$d/corpus" "$d/artifacts"
	bin=$build/tests/fuzz/fuzz_$h
	start=$(date +%s)
	fork=()
	[ "$jobs" -gt 1 ] && fork=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
	(cd "$d" && "$bin" "${fork[@]}" -runs="$execs" -max_total_time="$secs" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$d/artifacts/" \
		"$d/corpus" "$src/tests/fuzz/corpus/$h") >"$d/log" 2>&1 || true
	took=$(( $(date +%s) - start ))
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
	[ -n "$n" ] || n=$(grep -o '^#[0-9]*' "$d/log" | tail -1 | tr -d '#')
	cov=$(grep -o 'cov: [0-9]*' "$d/log" | tail -1 | awk '{print $2}')
	ft=$(grep -o 'ft: [0-9]*' "$d/log" | tail -1 | awk '{print $2}')
	rm -rf "$d/min" && mkdir -p "$d/min"
	"$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$d/min" "$d/corpus" "$src/tests/fuzz/corpus/$h" \
		>"$d/merge.log" 2>&1 || true
	nmin=$(find "$d/min" -type f | wc -l)
	kb=$(du -sk "$d/min" | cut -f1)
	found=$(find "$d/artifacts" -type f | wc -l)
	echo "| $(date -u +%Y-%m-%d) | $h | ${n:-?} | $took | ${cov:-?} | ${ft:-?} | $nmin files, $kb KB | $found |"
	if [ "$keep" = 1 ] && [ "$nmin" -gt 0 ]; then
		rm -rf "$src/tests/fuzz/corpus/$h"
		cp -r "$d/min" "$src/tests/fuzz/corpus/$h"
	fi
done
