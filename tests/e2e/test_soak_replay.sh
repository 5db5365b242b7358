#!/usr/bin/env bash
# Load: a capture of 10,000 short TLS 1.3 connections (one recorded by
# tlsviz record, replicated by replicate.py with client ports 10000.. and
# shifted timestamps, ~40 MB), replayed with bounded memory:
#  - replay --batch --json decodes every one of them; each connection's
#    decoder is freed when it has ended, so the peak (GNU time's maximum RSS)
#    stays under BATCH_MAX_KB. Measured on the 2-core AMD EPYC VM: 114,440 kB
#    (it was 1.4 GB when every decoder was kept).
#  - the TUI reads the whole file (its status line says "indexed 100 %"),
#    keeping the events of the connection it shows only and a list entry for
#    each other one; the last connection, picked with C, is read again from
#    the file and its stages are those batch decoded for it. Its peak
#    (VmHWM of the tlsviz process, read before quitting) stays under
#    TUI_MAX_KB. Measured on the same VM: 117,324 kB, the file indexed in
#    8 s, connection #10000 read again in 1.5 ms (it was 611 MB when the
#    TUI kept a copy of every event of every connection).
# The bounds leave about 40 % headroom. In an ASan build they do not apply
# (shadow and quarantine).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need timeout tmux /usr/bin/python3
trap 'tui_stop; rm -rf "$T_TMP"' EXIT

N=10000
BATCH_MAX_KB=163840
TUI_MAX_KB=163840

ONE=$T_TMP/one.pcapng
F=$T_TMP/many.pcapng
timeout 60 "$TLSVIZ" record -w "$ONE" >/dev/null 2>&1
[ -s "$ONE" ] || { fail "tlsviz record made no capture"; done_tests; }
timeout 120 /usr/bin/python3 "$TLSVIZ_SRC/tests/e2e/replicate.py" "$ONE" "$F" $N ||
  { fail "replicate.py failed"; done_tests; }
pass "a capture of $N connections ($(stat -c %s "$F") bytes)"

# ---- batch ----
start=$SECONDS
timeout 180 /usr/bin/time -o "$T_TMP/time" -f '%M' "$TLSVIZ" replay "$F" --batch --json >"$T_TMP/out.json" 2>"$T_TMP/err"
rc=$?
peak=$(tail -1 "$T_TMP/time")
if asan_build; then
  echo "(peak RSS not bounded: ASan build)"
elif [ -n "$peak" ] && [ "$peak" -le $BATCH_MAX_KB ]; then
  pass "replay --batch --json of $N connections: peak RSS $peak kB (bound $BATCH_MAX_KB kB)"
else
  fail "replay --batch --json of $N connections: peak RSS ${peak:-?} kB, over $BATCH_MAX_KB kB"
fi
echo "replay --batch --json: $((SECONDS - start)) s, peak RSS $peak kB"
[ $rc -eq 0 ] && pass "replay --batch --json exits 0" || fail "replay --batch --json exit $rc ($(head -c 300 "$T_TMP/err"))"
tail -1 "$T_TMP/out.json" | grep -q '"type":"end"' && pass "the JSON ends with the end event" || fail "last line: $(tail -1 "$T_TMP/out.json" | head -c 200)"
c=$(grep -c '"type":"connection"' "$T_TMP/out.json")
[ "$c" = $N ] && pass "$N connection events" || fail "$c connection events, not $N"
ok=$(grep '"type":"app_data"' "$T_TMP/out.json" | grep '"dir":"s2c"' | grep -c '"hex":"485454502f312e3120323030')
[ "$ok" = $N ] && pass "every connection's HTTP/1.1 200 response decrypted" || fail "$ok of $N responses decrypted"

# ---- TUI ----
# the last connection's stages as batch decoded them: "number of title"
/usr/bin/python3 - "$T_TMP/out.json" $N >"$T_TMP/stages" <<'EOF'
import json, sys
want = int(sys.argv[2])
for line in open(sys.argv[1]):
    if '"type":"stage"' in line and '"conn":%d,' % want in line:
        e = json.loads(line)
        if e['conn'] == want and e['final']:
            print(e['number'], e['of'], e['title'])
EOF
first_frame=$(grep '"type":"packet"' "$T_TMP/out.json" | grep -m1 "\"conn\":$N," | grep -Eo '"frame":[0-9]+' | cut -d: -f2)
[ -s "$T_TMP/stages" ] && [ -n "$first_frame" ] || fail "batch gave no stages or frames for connection #$N"

start=$SECONDS
tui_start replay "$F" || done_tests
pass "TUI: first screen after $((SECONDS - start)) s"
pid=$(pgrep -P "$(tui_tm display -p -t tv '#{pane_pid}')" -x tlsviz)
[ -n "$pid" ] || fail "no tlsviz process in the tmux pane"
# the first flights are on screen while the file is still being read: a
# frame with both the progress bar and a ladder row (reading these 10,000
# connections takes seconds, so the frame cannot be missed between polls;
# test_tui_replay_large's single 60 MB download is read too fast to see it)
indexing_frame() {
  local s
  s=$(tui_screen)
  grep -Eq '^ tlsviz \| replay, indexing \[[#.]{10}\] +[0-9]+ %' <<<"$s" && grep -Eq '─ [0-9]+ [A-Z][A-Za-z]+' <<<"$s"
}
wait_for 60 indexing_frame && pass "TUI: progress bar and first flights on screen before the file is read" ||
  fail "TUI: no frame with the progress bar and flights: $(tui_status)"
# until the file is read, the number of stages is only what was seen so far:
# the status line says so (it said "stage 7 of 7", then "9 of 9")
so_far=$(tui_status)
grep -Eq '^ tlsviz \| replay, indexed 100 %' <<<"$so_far" ||
  { grep -Eq '\| stage [0-9]+ of [0-9]+ so far \|' <<<"$so_far" && pass "TUI: while reading, the stage total says 'so far'" ||
    fail "TUI: while reading, the status line claims a total: $so_far"; }
if wait_screen 120 '^ tlsviz \| replay, indexed 100 %'; then
  pass "TUI: the whole file read (indexed 100 %) after $((SECONDS - start)) s"
  tui_status | grep -q 'so far' && fail "TUI: 'so far' after the whole file was read: $(tui_status)" ||
    pass "TUI: once the file is read, the stage total is final"
else
  fail "TUI: the file was not read within 120 s: $(tui_status)"
fi
# the picker opens once the file is read; G goes to its last row
wait_screen 10 'Connections \(enter' || { fail "TUI: no connection picker"; tui_keys C; }
tui_keys G
wait_screen 5 "#$N +127\.0\.0\.1:$((10000 + N - 1)) +localhost +TLS 1\.3 " && wait_screen 5 " $N of $N, sorted" &&
  pass "the connection table lists $N connections (server name, version), #$N last" ||
  fail "picker: $(tui_screen | grep -E 'Connections|g/G|#')"
tui_keys Enter
if wait_screen 10 "^connection #$N .*read again from the file in [0-9.]+ ms"; then
  pass "connection #$N picked: $(tui_bottom | grep -Eo 'read again .* ms')"
else
  fail "connection #$N was not read again: $(tui_bottom)"
fi
tui_settle
tui_match "tcp_segment +frame $first_frame," && pass "its first frame (#$first_frame) is shown" ||
  fail "not connection #$N's first frame $first_frame: $(tui_right | sed -n 3p)"
bad=0
while read -r k of title; do
  tui_goto_stage "$k" 10 || { fail "cannot reach stage $k: $(tui_status)"; bad=1; break; }
  h=$(explain_head)
  [[ "$h" == "Stage $k of $of: $title"* ]] || { fail "stage $k: '$h', batch: '$title'"; bad=1; }
done <"$T_TMP/stages"
[ $bad = 0 ] && pass "connection #$N shows the $(wc -l <"$T_TMP/stages") stages batch decoded for it"
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
tui_keys q
if asan_build; then
  echo "(TUI peak RSS not bounded: ASan build)"
elif [ -n "$hwm" ] && [ "$hwm" -le $TUI_MAX_KB ]; then
  pass "TUI replay of $N connections: peak RSS $hwm kB (bound $TUI_MAX_KB kB)"
else
  fail "TUI replay of $N connections: peak RSS ${hwm:-?} kB, over $TUI_MAX_KB kB"
fi

done_tests
