#!/bin/bash
# The connection table on a capture of 200+ connections made in a private
# network namespace by curl and openssl s_client against openssl s_server
# (many_conns.sh): varied server names, TLS 1.2 and 1.3, four TLS 1.2
# suites, untrusted-CA and wrong-host failures. Against tshark on the same
# file: the connections (-z conv,tcp), packets, bytes each way, SNI,
# JA3/JA3S, versions and alert counts; and filters against the matching
# tshark display filters. tshark finds TLS on port 4433 only by its
# heuristic, which once missed a stream tlsviz decoded (CI): port 4433 is
# decoded as TLS for every tshark run here.
. "$(dirname "$0")/lib.sh"
need tshark openssl curl dumpcap unshare ip jq
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
ns=(unshare -n); [ "$(id -u)" -ne 0 ] && ns=(unshare -rn)
timeout 300 "${ns[@]}" bash "$TLSVIZ_SRC/tests/e2e/many_conns.sh" "$T_TMP" "$CAP" 2> "$T_TMP/make.log" ||
  { fail "making the capture: $(tail -3 "$T_TMP/make.log")"; done_tests; }
F=$T_TMP/many.pcapng K=$T_TMP/many.keys
"$TLSVIZ" replay "$F" --keylog "$K" --connections --json > "$T_TMP/o.jsonl" 2> "$T_TMP/err" ||
  { fail "replay --connections: $(cat "$T_TMP/err")"; done_tests; }
rows=$(grep -c connection_summary "$T_TMP/o.jsonl")
convs=$(tshark -r "$F" -d tcp.port==4433,tls -q -z conv,tcp 2>/dev/null | grep -c '<->')
[ "$rows" -ge 200 ] && [ "$rows" -eq "$convs" ] && pass "$rows rows, as many as tshark's TCP conversations" ||
  fail "$rows rows, tshark $convs conversations"

tshark -r "$F" -d tcp.port==4433,tls -Y tcp -T fields -E occurrence=f -e tcp.stream -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
  -e tcp.len -e tcp.flags.syn -e tcp.flags.ack -e tls.handshake.extensions_server_name -e tls.handshake.ja3_full \
  -e tls.handshake.ja3 -e tls.handshake.ja3s_full -e tls.handshake.ja3s > "$T_TMP/t.tsv" 2>/dev/null
out=$($PY "$TLSVIZ_SRC/tests/e2e/connections_oracle.py" "$T_TMP/t.tsv" "$T_TMP/o.jsonl") &&
  pass "packets, bytes each way, SNI, JA3 and JA3S: $(tail -1 <<< "$out")" || fail "table vs tshark: $(head -5 <<< "$out")"
tshark -r "$F" -d tcp.port==4433,tls -o "tls.keylog_file:$K" -Y tcp -T fields -E aggregator=, -e tcp.stream -e ip.src -e tcp.srcport \
  -e tcp.flags.syn -e tcp.flags.ack -e tls.handshake.type -e tls.handshake.extensions.supported_version \
  -e tls.handshake.version -e tls.alert_message.desc > "$T_TMP/v.tsv" 2>/dev/null
out=$($PY "$TLSVIZ_SRC/tests/e2e/many_oracle.py" "$T_TMP/v.tsv" "$T_TMP/o.jsonl") && pass "$(tail -1 <<< "$out")" ||
  fail "versions/alerts vs tshark: $(head -5 <<< "$out")"
check "the mix is there: TLS 1.2 and 1.3, failures with alerts, 40 server names" test \
  "$(jq -r .version "$T_TMP/o.jsonl" | sort -u | tr '\n' ' ')" = "TLS 1.2 TLS 1.3 " -a \
  "$(jq -r 'select(.fatal_alert != null) | .conn' "$T_TMP/o.jsonl" | wc -l)" -ge 30 -a \
  "$(jq -r '.sni' "$T_TMP/o.jsonl" | grep -c '^name')" -eq 40

# stream number -> client address, from the SYNs
tshark -r "$F" -d tcp.port==4433,tls -Y 'tcp.flags.syn == 1 and tcp.flags.ack == 0' -T fields -e tcp.stream -e ip.src -e tcp.srcport \
  2>/dev/null | awk '{print $1, $2 ":" $3}' > "$T_TMP/streams"
ja3=$(jq -r 'select(.sni == "localhost" and .version == "TLS 1.3") | .ja3' "$T_TMP/o.jsonl" | head -1)
while IFS='|' read -r ours theirs; do
  want=$(tshark -r "$F" -d tcp.port==4433,tls -o "tls.keylog_file:$K" -Y "$theirs" -T fields -e tcp.stream 2>/dev/null | sort -u |
    join - <(sort "$T_TMP/streams") | awk '{print $2}' | sort | tr '\n' ' ')
  got=$("$TLSVIZ" replay "$F" --keylog "$K" --connections --json --filter "$ours" 2>&1 | jq -r .client | sort | tr '\n' ' ')
  [ -n "$want" ] && [ "$got" = "$want" ] && pass "--filter '$ours' = tshark -Y '$theirs' ($(wc -w <<< "$got") connections)" ||
    fail "--filter '$ours': $(wc -w <<< "$got") connections, tshark -Y '$theirs': $(wc -w <<< "$want")"
done <<FILTERS
sni contains "name1"|tls.handshake.extensions_server_name contains "name1"
version == 1.2|tls.handshake.type == 2 && !tls.handshake.extensions.supported_version
alerts > 0|tls.alert_message
alert == bad_certificate|tls.alert_message.desc == 42
suite contains CHACHA20|tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xcca8
version == 1.2 and not sni contains name|tls.handshake.type == 1 && !(tls.handshake.extensions_server_name contains "name") && !(tls.handshake.extensions.supported_version == 0x0304)
ja3 == $ja3|tls.handshake.ja3 == "$ja3"
FILTERS
done_tests
