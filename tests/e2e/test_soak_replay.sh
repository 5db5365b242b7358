#!/usr/bin/env bash
# Load: a capture of 10,000 short TLS 1.3 connections (one recorded by
# tlsviz record, replicated by replicate.py with client ports 10000.. and
# shifted timestamps, ~40 MB), replayed in the TUI with bounded memory:
# once the status line says "indexed 100 %", VmRSS must be at most
# RSS_MAX_KB. The bound: a replay keeps an index entry per record and the
# screen's rows, not every connection's decoded events; 64 MB is ~6.5 KB per
# connection, far above an index (12 records of a few dozen bytes each) and
# far below what keeping each connection's events costs. If the TUI goes over
# RSS_ABORT_KB while indexing it is stopped there (the test fails with the
# figure), so a regression cannot eat a CI runner's memory.
# (In an ASan build only the abort line applies.)
# Then replay --batch --json must finish and show 10,000 connection events
# (its peak VmRSS is printed, not bounded: batch output is streamed, but the
# decoder's per-connection state is what the numbers show; past 2 GB it is
# stopped and the test fails).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout /usr/bin/python3
trap 'tui_stop; rm -rf "$T_TMP"' EXIT

N=10000
RSS_MAX_KB=65536
RSS_ABORT_KB=524288
BATCH_ABORT_KB=2097152 # batch: stopped past 2 GB (measured peak ~1.4 GB)

ONE=$T_TMP/one.pcapng
F=$T_TMP/many.pcapng
timeout 60 "$TLSVIZ" record -w "$ONE" >/dev/null 2>&1
[ -s "$ONE" ] || { fail "tlsviz record made no capture"; done_tests; }
timeout 120 /usr/bin/python3 "$TLSVIZ_SRC/tests/e2e/replicate.py" "$ONE" "$F" $N ||
  { fail "replicate.py failed"; done_tests; }
pass "a capture of $N connections ($(stat -c %s "$F") bytes)"

# ---- the TUI ----
tui_start replay "$F" || done_tests
pane=$(tui_tm display -p -t tv '#{pane_pid}')
pid=$(pgrep -P "$pane" -x tlsviz | head -1)
[ -n "$pid" ] || { fail "no tlsviz child of pane pid $pane"; done_tests; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }
# indexed: the status line says 100 %; or memory is over the abort line
big=
indexed() {
  tui_match '^ tlsviz \| replay, indexed 100 %' && return 0
  local r; r=$(rss)
  [ -n "$r" ] && [ "$r" -gt $RSS_ABORT_KB ] && big=$r && return 0
  return 1
}
start=$SECONDS
wait_for 120 indexed || { fail "indexing did not reach 100 % in 120 s"; tui_status >&2; }
if [ -n "$big" ]; then
  fail "TUI VmRSS $big kB while still indexing ($(tui_status | grep -o 'indexing[^|]*')), over $RSS_ABORT_KB kB: stopped"
else
  r=$(rss)
  echo "indexed $N connections in $((SECONDS - start)) s; VmRSS $r kB"
  if asan_build; then
    echo "(VmRSS not bounded: ASan build, its shadow and quarantine are not the normal build's memory)"
  elif [ -n "$r" ] && [ "$r" -le $RSS_MAX_KB ]; then
    pass "TUI VmRSS $r kB with $N connections indexed (bound $RSS_MAX_KB kB)"
  else
    fail "TUI VmRSS $r kB with $N connections indexed, over $RSS_MAX_KB kB"
  fi
fi
tui_stop

# ---- batch ----
"$TLSVIZ" replay "$F" --batch --json >"$T_TMP/out.json" 2>"$T_TMP/err" &
bp=$!
peak=0
start=$SECONDS
while kill -0 $bp 2>/dev/null && [ $((SECONDS - start)) -lt 120 ]; do
  r=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$bp/status 2>/dev/null)
  [ -n "$r" ] && [ "$r" -gt $peak ] && peak=$r
  [ $peak -gt $BATCH_ABORT_KB ] && break
  sleep 0.2
done
if kill -0 $bp 2>/dev/null; then
  kill $bp
  fail "replay --batch --json stopped after $((SECONDS - start)) s at VmRSS $peak kB (limits: 120 s, $BATCH_ABORT_KB kB)"
fi
wait $bp
rc=$?
echo "replay --batch --json: $((SECONDS - start)) s, peak VmRSS ~$peak kB"
[ $rc -eq 0 ] && pass "replay --batch --json exits 0" || fail "replay --batch --json exit $rc ($(head -c 300 "$T_TMP/err"))"
tail -1 "$T_TMP/out.json" | grep -q '"type":"end"' && pass "the JSON ends with the end event" || fail "last line: $(tail -1 "$T_TMP/out.json" | head -c 200)"
c=$(grep -c '"type":"connection"' "$T_TMP/out.json")
[ "$c" = $N ] && pass "$N connection events" || fail "$c connection events, not $N"
ok=$(grep '"type":"app_data"' "$T_TMP/out.json" | grep '"dir":"s2c"' | grep -c '"hex":"485454502f312e3120323030')
[ "$ok" = $N ] && pass "every connection's HTTP/1.1 200 response decrypted" || fail "$ok of $N responses decrypted"

done_tests
