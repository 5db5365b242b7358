# Helpers for shell tests that drive the real tlsviz binary (sourced).
# Environment from ctest: TLSVIZ (binary), TLSVIZ_SRC (source dir), TLSVIZ_BUILD.
set -u
: "${TLSVIZ:?run through ctest, or set TLSVIZ to the binary}"
: "${TLSVIZ_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
T_FAILS=0
T_PASSES=0

# fail MESSAGE: record a failure and go on.
fail() { echo "FAIL: $*" >&2; T_FAILS=$((T_FAILS + 1)); }
# pass MESSAGE: record a success.
pass() { echo "ok: $*"; T_PASSES=$((T_PASSES + 1)); }
# check DESCRIPTION COMMAND...: pass if the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# wait_for SECONDS COMMAND...: poll until the command succeeds; 1 on timeout.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.2; done
  return 1
}
# need TOOL...: a missing tool is a failure (install-deps installs them all).
need() { local t; for t in "$@"; do command -v "$t" >/dev/null || { fail "missing tool $t (run scripts/install-deps.sh)"; done_tests; }; done; }
# done_tests: print the summary and exit non-zero if anything failed.
done_tests() {
  echo "$T_PASSES passed, $T_FAILS failed"
  [ "$T_FAILS" -eq 0 ] && [ "$T_PASSES" -gt 0 ]
  exit $?
}
