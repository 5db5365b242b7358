#!/bin/bash
# Time (issue 17): each record, packet and stage with its capture time.
# Against tshark on every shipped capture: batch text's record times (since
# the first packet) and deltas equal tshark's frame times (epoch, to the
# microsecond) of the frame showing each record; the JSON stages' round trip 1 equals the time
# from the ClientHello's frame to the ServerHello's (time_oracle.py). Then
# --time abs (UTC, as Python's datetime formats tshark's epoch time), --time
# none, a bad --time, the round trip the HTTP request travels in (TLS 1.3:
# the second, TLS 1.2: the third, RFC 8446 1-RTT against RFC 5246's two), and
# the TUI's t (the Stages pane's time column and round trips).
. "$(dirname "$0")/lib.sh"
need tshark jq tmux
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures

n=0
for cap in "$CAP"/*.pcapng; do
  name=$(basename "$cap" .pcapng)
  keys=${cap%.pcapng}.keys
  args=()
  [ -f "$keys" ] && args=(--keylog "$keys")
  { tshark -r "$cap" -c 1 -T fields -e frame.time_epoch &&
    tshark -r "$cap" -Y tls.record -T fields -E occurrence=a -E aggregator=, -e frame.time_epoch -e tls.record.length
  } > "$T_TMP/rec.tsv" 2>/dev/null || { fail "$name: tshark failed"; continue; }
  tshark -r "$cap" -Y 'tls.handshake.type == 1 or tls.handshake.type == 2' -T fields -E occurrence=a \
    -E aggregator=, -e tcp.stream -e frame.time_epoch -e tls.handshake.type > "$T_TMP/hello.tsv" 2>/dev/null
  "$TLSVIZ" replay "$cap" "${args[@]}" --batch --time rel > "$T_TMP/t.txt" 2>/dev/null
  "$TLSVIZ" replay "$cap" "${args[@]}" --json > "$T_TMP/t.jsonl" 2>/dev/null
  if $PY "$TLSVIZ_SRC/tests/e2e/time_oracle.py" "$T_TMP/t.txt" "$T_TMP/t.jsonl" "$T_TMP/rec.tsv" \
      "$T_TMP/hello.tsv" > "$T_TMP/cmp"; then
    pass "$name: $(tail -1 "$T_TMP/cmp") with tshark"
  else
    fail "$name: $(head -5 "$T_TMP/cmp")"
  fi
  n=$((n + 1))
done
[ $n -ge 25 ] || fail "only $n captures compared"

cap=$CAP/tls13-aes128gcm.pcapng
first=$("$TLSVIZ" replay "$cap" --batch --time abs 2>/dev/null | sed -n 's/^  record  .* at \([0-9-]* [0-9:.]*\) (+[0-9.]*)$/\1/p' | head -1)
want=$(tshark -r "$cap" -Y tls.record -T fields -e frame.time_epoch -c 100 2>/dev/null | head -1 |
  $PY -c 'import sys, datetime, decimal; t = decimal.Decimal(sys.stdin.read().strip()); s = int(t); us = int((t - s) * 1000000); print(datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") + ".%06d" % us)')
check "--time abs: the first record at $first UTC, as tshark's epoch time says" test -n "$first" -a "$first" = "$want"
out=$("$TLSVIZ" replay "$cap" --batch --time none 2>/dev/null)
check "--time none: no times" bash -c '! grep -Eq " at [0-9]+\.[0-9]{6} \(|^  time    " <<<"$1" && grep -q "^  record  " <<<"$1"' _ "$out"
"$TLSVIZ" replay "$cap" --batch --time later > /dev/null 2> "$T_TMP/err"; rc=$?
check "--time later: exit 2 naming the words" test $rc -eq 2 -a -n "$(grep "'later' is not rel, abs, delta or none" "$T_TMP/err")"

# round trip 1 as tshark's frames date it (microseconds, truncated as libpcap does)
rtt=$(tshark -r "$cap" -Y 'tls.handshake.type == 1 or tls.handshake.type == 2' -T fields -e frame.time_epoch \
  2>/dev/null | head -2 | $PY -c 'import sys, decimal; a, b = [int(decimal.Decimal(x) * 1000000) for x in sys.stdin.read().split()]; d = b - a; print("%d us" % d if d < 1000 else "%.3f ms" % (d / 1e3))')
out=$("$TLSVIZ" replay "$cap" --keylog "$CAP/tls13-aes128gcm.keys" --batch 2>/dev/null)
check "text: the ServerHello's stage answers round trip 1 in $rtt (tshark's frames)" \
  grep -q "^  time    starts at [0-9.]* s; round trip 1: the server answered $rtt after the client sent$" <<<"$out"

# the HTTP request's round trip: the second in TLS 1.3, the third in TLS 1.2
rt() { "$TLSVIZ" replay "$CAP/$1.pcapng" --keylog "$CAP/$1.keys" --json 2>/dev/null |
  jq -r 'select(.type == "stage" and .final and (.messages | index("http_request"))) | .round_trip' | head -1; }
check "TLS 1.3: the request goes in round trip 2 (1-RTT handshake)" test "$(rt tls13-aes128gcm)" = 2
check "TLS 1.2: the request goes in round trip 3 (2-RTT handshake)" test "$(rt tls12-ecdhe-aes128gcm)" = 3

# the TUI: t cycles the Stages pane's time column
if tui_start replay "$cap" --keylog "$CAP/tls13-aes128gcm.keys"; then
  wait_screen 20 'indexed 100 %' || fail "TUI: indexing did not finish"
  tui_keys g t
  t0=$(tshark -r "$cap" -Y 'tls.handshake.type == 2' -T fields -e frame.time_relative 2>/dev/null | head -1)
  t0=$($PY -c "print('%.6f' % float('$t0'))")
  wait_screen 10 "^│ +$t0  │◀─ 3 ServerH" &&
    pass "t: the ServerHello's row at $t0 s (tshark)" || { fail "t: no time column ($t0)"; tui_screen >&2; }
  tui_keys t
  wait_screen 10 '^│ +delta s  Client' && wait_screen 5 '^│ +\+0\.[0-9]{6}  │' &&
    wait_screen 5 "◀─ 3 .*\(round trip 1: $rtt\)" &&
    pass "t again: the delta to the row above, the ServerHello answering round trip 1 in $rtt" ||
    { fail "t: no delta column or round trip ($rtt)"; tui_screen >&2; }
  tui_keys t
  wait_screen 10 '^│ +UTC  Client' && wait_screen 5 "^│ *${want:11:8}\.[0-9]{6} +│" &&
    pass "t again: the time of day in UTC" || { fail "t: no UTC column (${want:11:8})"; tui_screen >&2; }
  tui_keys t
  wait_screen 10 '^│ Client  ' && pass "t a fourth time: no time column" || fail "t: the column stays"
  tui_stop
fi
done_tests
