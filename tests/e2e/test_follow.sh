#!/bin/bash
# replay --follow N: the decrypted conversation of every connection of
# every shipped capture with keys equals tshark's `-z follow,tls,raw`; the
# text form summarises HTTP and escapes control bytes; bad input.
. "$(dirname "$0")/lib.sh"
need tshark jq
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
n=0
for keys in "$CAP"/*.keys; do
  cap=${keys%.keys}.pcapng name=$(basename "$cap" .pcapng)
  [ -f "$cap" ] || continue
  "$TLSVIZ" replay "$cap" --keylog "$keys" --connections --json > "$T_TMP/c.jsonl" 2>/dev/null
  for conn in $(jq -r 'select(.decrypted == "yes") | .conn' "$T_TMP/c.jsonl"); do
    tshark -r "$cap" -o "tls.keylog_file:$keys" -q -z "follow,tls,raw,$((conn - 1))" > "$T_TMP/t.txt" 2>/dev/null
    "$TLSVIZ" replay "$cap" --keylog "$keys" --follow "$conn" --json > "$T_TMP/f.jsonl" 2>/dev/null
    # tshark shows nothing to follow when no application data was sent
    grep -q '^	\?[0-9a-f]' "$T_TMP/t.txt" || [ -s "$T_TMP/f.jsonl" ] || continue
    if out=$($PY "$TLSVIZ_SRC/tests/e2e/follow_oracle.py" "$T_TMP/t.txt" "$T_TMP/f.jsonl"); then
      pass "$name conn $conn: $out as tshark follows it"; n=$((n + 1))
    else
      fail "$name conn $conn: $out"
    fi
  done
done
[ $n -ge 20 ] || fail "only $n connections followed"
# a response of many records (the keys are in the capture's Decryption Secrets Block)
timeout 60 "$TLSVIZ" record -w "$T_TMP/bulk.pcapng" --body-bytes 40000 > /dev/null 2>&1 || fail "tlsviz record"
tshark -r "$T_TMP/bulk.pcapng" -q -z follow,tls,raw,0 > "$T_TMP/t.txt" 2>/dev/null
"$TLSVIZ" replay "$T_TMP/bulk.pcapng" --follow 1 --json > "$T_TMP/f.jsonl" 2>/dev/null
records=$(jq -s 'map(select(.dir == "s2c") | .records) | add' "$T_TMP/f.jsonl")
out=$($PY "$TLSVIZ_SRC/tests/e2e/follow_oracle.py" "$T_TMP/t.txt" "$T_TMP/f.jsonl") && [ "${records:-0}" -ge 3 ] &&
  pass "a 40,000-byte response in $records records: $out as tshark follows it" || fail "bulk follow: $out ($records records)"

# text: turns with HTTP summaries, control bytes escaped
"$TLSVIZ" replay "$CAP/multi-interleaved.pcapng" --keylog "$CAP/multi-interleaved.keys" --follow 2 > "$T_TMP/f.txt"
grep -q '^-- client -> server, 44 bytes in 1 record  \[HTTP request: GET /hello.txt\]$' "$T_TMP/f.txt" &&
  grep -q '^-- server -> client, 130 bytes in 1 record  \[HTTP response: 200 ok, text/plain\]$' "$T_TMP/f.txt" &&
  grep -q '^   Host: localhost\\r$' "$T_TMP/f.txt" && pass "text: one turn a side, HTTP summarised, CR shown as \\r" ||
  { fail "follow text"; cat "$T_TMP/f.txt" >&2; }
gen=$T_TMP/gen; mkdir -p "$gen"
$PY "$TLSVIZ_SRC/scripts/gen-synthetic.py" "$gen" tls13-hostile-text > /dev/null
"$TLSVIZ" replay "$gen/tls13-hostile-text.pcapng" --keylog "$gen/tls13-hostile-text.keys" --follow 1 > "$T_TMP/h.txt"
if grep -q 'text/html' "$T_TMP/h.txt" && grep -qF '\x00\x1b[31m' "$T_TMP/h.txt" && ! grep -q $'\x1b' "$T_TMP/h.txt"; then
  pass "text: a NUL and an escape sequence from the capture are printed escaped, never sent to the terminal"
else
  fail "follow: control bytes reached the output"
fi
"$TLSVIZ" replay "$CAP/tls13-aes128gcm.pcapng" --follow 1 > "$T_TMP/nk.txt"
grep -q 'no decrypted application data' "$T_TMP/nk.txt" && pass "without keys: says there is nothing decrypted" || fail "no keys"
"$TLSVIZ" replay "$CAP/tls13-aes128gcm.pcapng" --follow 9 > /dev/null 2> "$T_TMP/err"; rc=$?
check "a connection that is not there: exit 1 saying so" test $rc -eq 1 -a -n "$(grep 'has no connection 9' "$T_TMP/err")"
"$TLSVIZ" replay "$CAP/tls13-aes128gcm.pcapng" --follow x > /dev/null 2> "$T_TMP/err"; rc=$?
check "--follow x: exit 2" test $rc -eq 2
done_tests
