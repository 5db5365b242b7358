#!/bin/bash
# replay --connections (one row per connection) against tshark on every
# shipped capture: per TCP connection the packets, the payload bytes each
# way, the server name, and JA3 / JA3S (Wireshark's tls.handshake.ja3_full,
# ja3, ja3s_full, ja3s) of the first hellos; JA4 of the first ClientHello
# computed by the oracle from the lists tshark decodes (tshark 4.0 has no JA4). Then the text table, and a
# capture of 10,000 connections: 10,000 rows in bounded memory.
. "$(dirname "$0")/lib.sh"
need tshark jq
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
FIELDS=(tcp.stream ip.src tcp.srcport ip.dst tcp.dstport tcp.len tcp.flags.syn tcp.flags.ack
  tls.handshake.extensions_server_name tls.handshake.ja3_full tls.handshake.ja3 tls.handshake.ja3s_full
  tls.handshake.ja3s)
CH_FIELDS=(tcp.stream tls.handshake.ciphersuite tls.handshake.extension.type tls.handshake.sig_hash_alg
  tls.handshake.extensions.supported_version tls.handshake.extensions_alpn_str
  tls.handshake.extensions_server_name tls.handshake.version)
targs=() chargs=()
for f in "${FIELDS[@]}"; do targs+=(-e "$f"); done
for f in "${CH_FIELDS[@]}"; do chargs+=(-e "$f"); done

n=0
for cap in "$CAP"/*.pcapng; do
  name=$(basename "$cap" .pcapng)
  keys=${cap%.pcapng}.keys
  args=()
  [ -f "$keys" ] && args=(--keylog "$keys")
  # the first occurrence of each field: a ja3_full holds commas itself
  tshark -r "$cap" -T fields -E occurrence=f "${targs[@]}" > "$T_TMP/t.tsv" 2>/dev/null ||
    { fail "$name: tshark failed"; continue; }
  tshark -r "$cap" -Y 'tls.handshake.type == 1' -T fields -E occurrence=a -E aggregator=, "${chargs[@]}" \
    > "$T_TMP/ch.tsv" 2>/dev/null || { fail "$name: tshark (ClientHello lists) failed"; continue; }
  "$TLSVIZ" replay "$cap" "${args[@]}" --connections --json > "$T_TMP/o.jsonl" 2> "$T_TMP/err"
  [ $? -le 1 ] || { fail "$name: replay --connections: $(cat "$T_TMP/err")"; continue; }
  if $PY "$TLSVIZ_SRC/tests/e2e/connections_oracle.py" "$T_TMP/t.tsv" "$T_TMP/o.jsonl" "$T_TMP/ch.tsv" > "$T_TMP/cmp"; then
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

# --filter against jq's selection of the same rows, on all the captures in one file
need mergecap
mergecap -w "$T_TMP/all.pcapng" "$CAP"/*.pcapng 2>/dev/null || fail "mergecap"
cat "$CAP"/*.keys > "$T_TMP/all.keys"
"$TLSVIZ" replay "$T_TMP/all.pcapng" --keylog "$T_TMP/all.keys" --connections --json > "$T_TMP/all.jsonl" 2>/dev/null
total=$(grep -c connection_summary "$T_TMP/all.jsonl")
while IFS='|' read -r expr sel; do
  want=$(jq -r "select($sel) | .conn" "$T_TMP/all.jsonl" | sort -n | tr '\n' ' ')
  got=$("$TLSVIZ" replay "$T_TMP/all.pcapng" --keylog "$T_TMP/all.keys" --connections --json --filter "$expr" 2>&1 |
    jq -r .conn | sort -n | tr '\n' ' ')
  [ -n "$want" ] && [ "$got" = "$want" ] && pass "--filter '$expr': $(wc -w <<< "$got") of $total rows, as jq selects" ||
    fail "--filter '$expr': got '$got', jq '$want'"
done <<'FILTERS'
version == 1.2|.version == "TLS 1.2"
version == 1.3 and not resumed|.version == "TLS 1.3" and (.resumed | not)
bytes > 3000|.bytes_c2s + .bytes_s2c > 3000
suite contains chacha or group == SECP256R1|(.suite // "" | test("CHACHA")) or .group == "secp256r1"
not decrypted|.decrypted != "yes" and .decrypted != "partly"
resumed or hrr|.resumed or .hrr
sni contains local and (port == 4433 or packets >= 30)|(.sni // "" | test("local")) and ((.server | endswith(":4433")) or .packets >= 30)
duration > 1000|.duration_us > 1000000
FILTERS
"$TLSVIZ" replay "$T_TMP/all.pcapng" --connections --filter 'bytes > lots' > /dev/null 2> "$T_TMP/err"; rc=$?
check "a bad filter: exit 2, the column and a caret under it" \
  test $rc -eq 2 -a -n "$(grep 'column 9: a number was expected' "$T_TMP/err")" -a -n "$(grep '^          \^' "$T_TMP/err")"
"$TLSVIZ" replay "$T_TMP/all.pcapng" --filter 'resumed' --batch > /dev/null 2> "$T_TMP/err"; rc=$?
check "--filter without --connections: exit 2 saying so" test $rc -eq 2 -a -n "$(grep 'needs --connections' "$T_TMP/err")"

# 10,000 connections: every row, bounded memory
ONE=$T_TMP/one.pcapng F=$T_TMP/many.pcapng N=10000
timeout 60 "$TLSVIZ" record -w "$ONE" > /dev/null 2>&1 && timeout 120 $PY "$TLSVIZ_SRC/tests/e2e/replicate.py" "$ONE" "$F" $N ||
  { fail "no capture of $N connections"; done_tests; }
timeout 300 /usr/bin/time -o "$T_TMP/time" -f '%M' "$TLSVIZ" replay "$F" --connections --json > "$T_TMP/many.jsonl" 2> "$T_TMP/err"
rc=$? peak=$(tail -1 "$T_TMP/time")
rows=$(grep -c connection_summary "$T_TMP/many.jsonl")
lim=$((64 * 1024)); asan_build && lim=$((1024 * 1024)) # ASan's shadow memory and quarantine
if [ $rc -eq 0 ] && [ "$rows" -eq $N ] && [ "$(jq -r .decrypted "$T_TMP/many.jsonl" | sort -u)" = yes ] && [ "$peak" -lt $lim ]; then
  pass "$N connections: $N rows, all decrypted, peak RSS $((peak / 1024)) MB"
else
  fail "$N connections: exit $rc, $rows rows, peak $((peak / 1024)) MB (limit $((lim / 1024)))"
fi
done_tests
