#!/usr/bin/env bash
# Soak: 200 live restarts (r) in one TUI process, each session run to its end
# (c), with flat memory: VmRSS after restart 200 may exceed VmRSS after
# restart 20 by at most max(20 %, 2 MB). Restart 20, not 1, is the reference:
# one-off growth (wolfSSL's and ncurses's first allocations, malloc's arenas
# reaching their working size) is behind us by then, and what is left is
# per-session growth, which 180 sessions magnify. Measured here: ~8.8 MB at
# restart 20, ~9.3 MB at 200; the bound (2 MB over 180 sessions) fails on a
# leak of about 12 KB or more per session. Smaller leaks are valgrind's job
# (test_valgrind.sh). One restart takes ~0.55 s here (200: ~110 s). The
# capture is the tap (no libpcap, no privileges), so the test runs anywhere.
# In an ASan build the restarts run but RSS is not bounded (the quarantine
# keeps freed memory by design).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux
trap 'tui_stop; rm -rf "$T_TMP"' EXIT

N=${SOAK_RESTARTS:-200}
REF=20
RSS_SLACK_PCT=20
RSS_SLACK_KB=2048
LIMIT_S=480 # all restarts together (about 130 s idle; a loaded machine takes 2-3x), under ctest's 600 s

tui_start --capture tap || done_tests
pane=$(tui_tm display -p -t tv '#{pane_pid}')
pid=$(pgrep -P "$pane" -x tlsviz | head -1)
[ -n "$pid" ] && pass "tlsviz runs as pid $pid" || { fail "no tlsviz child of pane pid $pane"; done_tests; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }

# held_first: a new session, held before its first stage; finished: it ran to the end
held_first() { tui_match '^ tlsviz \| step \|' && tui_screen | tail -1 | grep -q '^HELD before: #1 TCP handshake'; }
finished() { tui_match 'stage ([0-9]+) of \1 ' && tui_screen | tail -1 | grep -q '^finished'; }

# fast_wait SECONDS COMMAND...: wait_for polling every 50 ms (a session takes
# ~0.1 s; lib.sh's 200 ms poll would make the polling most of the test's time)
fast_wait() {
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.05; done
  return 1
}

wait_for 15 held_first || { fail "first session not held at stage 1"; tui_screen >&2; done_tests; }
tui_keys c
wait_for 15 finished || { fail "first session did not finish"; tui_screen >&2; done_tests; }

start=$SECONDS
ok=0
rss_ref=
for i in $(seq "$N"); do
  [ $((SECONDS - start)) -lt $LIMIT_S ] || { fail "restart $i: over ${LIMIT_S} s for the restarts"; break; }
  tui_keys r
  fast_wait 10 held_first || { fail "restart $i: new session not held at stage 1"; tui_screen >&2; break; }
  tui_keys c
  fast_wait 10 finished || { fail "restart $i: session did not finish"; tui_screen >&2; break; }
  ok=$i
  [ "$i" -eq $REF ] && rss_ref=$(rss)
  [ $((i % 20)) -eq 0 ] && echo "  restart $i: VmRSS $(rss) kB, $((SECONDS - start)) s"
done
took=$((SECONDS - start))
rss_end=$(rss)
[ "$ok" -eq "$N" ] && pass "$N restarts, each session run to its end, in ${took} s" ||
  fail "only $ok of $N restarts completed (${took} s)"
kill -0 "$pid" 2>/dev/null && pass "the same process (pid $pid) ran all sessions" || fail "tlsviz pid $pid is gone"

if asan_build; then
  echo "VmRSS after restart $REF: $rss_ref kB, after restart $ok: $rss_end kB (not bounded: ASan build, its quarantine holds freed memory)"
elif [ -n "$rss_ref" ] && [ -n "$rss_end" ]; then
  slack=$((rss_ref * RSS_SLACK_PCT / 100))
  [ $slack -lt $RSS_SLACK_KB ] && slack=$RSS_SLACK_KB
  echo "VmRSS after restart $REF: $rss_ref kB, after restart $ok: $rss_end kB (bound $((rss_ref + slack)) kB)"
  [ "$rss_end" -le $((rss_ref + slack)) ] && pass "RSS flat: $rss_ref kB -> $rss_end kB" ||
    fail "RSS grew from $rss_ref kB (restart $REF) to $rss_end kB (restart $ok), more than $slack kB"
else
  fail "no VmRSS reading (restart $REF: '$rss_ref', end: '$rss_end')"
fi

tui_keys q
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" && pass "q quits after $N restarts" || fail "tlsviz still running after q"
done_tests
