#!/bin/bash
# Run the whole test suite N times in a row under -j2 while HOGS busy loops
# load the CPUs (issue 13: no test may depend on an idle machine). Stops at
# nothing: every run's failures are listed, and the exit status is 1 if any
# run failed. The hogs are killed on exit, whatever happens.
#
# Usage: scripts/suite-under-load.sh [-n RUNS] [-H HOGS] [-b BUILD_DIR]
#   -n  runs (default 5)   -H  busy-loop processes (default: one per CPU)
#   -b  build dir with the tests (default build)
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
runs=5 hogs=$(nproc) build=$src/build
while getopts "n:H:b:" o; do
	case $o in
	n) runs=$OPTARG ;;
	H) hogs=$OPTARG ;;
	b) build=$OPTARG ;;
	*) sed -n '2,10p' "$0"; exit 2 ;;
	esac
done
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq "$hogs"); do
	# a bounded hog: it ends by itself after 3 hours if the trap never runs
	timeout 10800 sh -c 'while :; do :; done' &
	pids+=($!)
done
echo "suite-under-load: $runs runs, $hogs CPU hogs on $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
bad=0
for i in $(seq "$runs"); do
	start=$(date +%s)
	log=$(mktemp "${TMPDIR:-/tmp}/suite-run$i.XXXXXX")
	ctest --test-dir "$build" -j2 --output-on-failure >"$log" 2>&1
	rc=$?
	summary=$(grep -E 'tests passed|tests failed' "$log" | tail -1)
	echo "run $i: rc $rc, $(( $(date +%s) - start )) s, $summary"
	if [ $rc -ne 0 ]; then
		bad=1
		grep -E '^\s+[0-9]+ - ' "$log" | sed 's/^/    failed: /'
		echo "    log: $log"
	else
		rm -f "$log"
	fi
done
exit $bad
