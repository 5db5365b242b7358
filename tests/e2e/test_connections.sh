#!/bin/bash
# replay --connections (one row per connection) against tshark on every
# shipped capture: per TCP connection the packets, the payload bytes each
# way, the server name, and JA3 / JA3S (Wireshark's tls.handshake.ja3_full,
# ja3, ja3s_full, ja3s) of the first hellos. Then the text table, and a
# capture of 10,000 connections: 10,000 rows in bounded memory.
. "$(dirname "$0")/lib.sh"
need tshark jq
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
FIELDS=(tcp.stream ip.src tcp.srcport ip.dst tcp.dstport tcp.len tcp.flags.syn tcp.flags.ack
  tls.handshake.extensions_server_name tls.handshake.ja3_full tls.handshake.ja3 tls.handshake.ja3s_full
  tls.handshake.ja3s)
targs=()
for f in "${FIELDS[@]}"; do targs+=(-e "$f"); done

n=0
for cap in "$CAP"/*.pcapng; do
  name=$(basename "$cap" .pcapng)
  keys=${cap%.pcapng}.keys
  args=()
  [ -f "$keys" ] && args=(--keylog "$keys")
  # the first occurrence of each field: a ja3_full holds commas itself
  tshark -r "$cap" -T fields -E occurrence=f "${targs[@]}" > "$T_TMP/t.tsv" 2>/dev/null ||
    { fail "$name: tshark failed"; continue; }
  "$TLSVIZ" replay "$cap" "${args[@]}" --connections --json > "$T_TMP/o.jsonl" 2> "$T_TMP/err"
  [ $? -le 1 ] || { fail "$name: replay --connections: $(cat "$T_TMP/err")"; continue; }
  if $PY "$TLSVIZ_SRC/tests/e2e/connections_oracle.py" "$T_TMP/t.tsv" "$T_TMP/o.jsonl" > "$T_TMP/cmp"; then
    pass "$name: $(tail -1 "$T_TMP/cmp") with tshark"
  else
    fail "$name: $(head -5 "$T_TMP/cmp")"
  fi
  n=$((n + 1))
done
[ $n -ge 25 ] || fail "only $n captures compared"

# the decryption column says what the keys gave
"$TLSVIZ" replay "$CAP/tls13-aes128gcm.pcapng" --connections --json > "$T_TMP/nokeys.jsonl"
"$TLSVIZ" replay "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys" --connections --json > "$T_TMP/keys.jsonl"
check "without keys: decrypted no, saying why" test "$(jq -r '.decrypted + "|" + .why_not' "$T_TMP/nokeys.jsonl")" = \
  "no|no key for this client random"
check "with the key log: decrypted yes" test "$(jq -r .decrypted "$T_TMP/keys.jsonl")" = yes

# text: a header and one row per connection
"$TLSVIZ" replay "$CAP/multi-interleaved.pcapng" --keylog "$CAP/multi-interleaved.keys" --connections > "$T_TMP/t.txt"
check "text table: header and 2 rows" test "$(grep -c . "$T_TMP/t.txt")" -eq 3 -a \
  "$(grep -c 'TLS 1.[23] .*localhost\|localhost .*TLS 1.[23]' "$T_TMP/t.txt")" -eq 2

# 10,000 connections: every row, bounded memory
ONE=$T_TMP/one.pcapng F=$T_TMP/many.pcapng N=10000
timeout 60 "$TLSVIZ" record -w "$ONE" > /dev/null 2>&1 && timeout 120 $PY "$TLSVIZ_SRC/tests/e2e/replicate.py" "$ONE" "$F" $N ||
  { fail "no capture of $N connections"; done_tests; }
timeout 300 /usr/bin/time -o "$T_TMP/time" -f '%M' "$TLSVIZ" replay "$F" --connections --json > "$T_TMP/many.jsonl" 2> "$T_TMP/err"
rc=$? peak=$(tail -1 "$T_TMP/time")
rows=$(grep -c connection_summary "$T_TMP/many.jsonl")
lim=$((160 * 1024)); asan_build && lim=$((1024 * 1024)) # ASan's shadow memory and quarantine
if [ $rc -eq 0 ] && [ "$rows" -eq $N ] && [ "$(jq -r .decrypted "$T_TMP/many.jsonl" | sort -u)" = yes ] && [ "$peak" -lt $lim ]; then
  pass "$N connections: $N rows, all decrypted, peak RSS $((peak / 1024)) MB"
else
  fail "$N connections: exit $rc, $rows rows, peak $((peak / 1024)) MB (limit $((lim / 1024)))"
fi
done_tests
