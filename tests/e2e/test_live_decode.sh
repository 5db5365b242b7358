#!/usr/bin/env bash
# The live session fed through tlsviz's own decoder shows exactly the plaintext
# the endpoints exchanged: tlsviz's decrypted app_data (from its capture) must
# equal what tshark decrypts from an independent dumpcap capture of the same
# session, and the response must carry the requested body size.
set -u
: "${TLSVIZ:?run through ctest, or set TLSVIZ to the binary}"
if [ -z "${TLSVIZ_IN_NETNS:-}" ]; then
  if [ "$(id -u)" = 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
  exec env TLSVIZ_IN_NETNS=1 "${ns[@]}" bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/probe_capture.sh"
need tshark dumpcap jq ip xxd
ip link set lo up || { fail "cannot bring lo up"; done_tests; }

# one_case TLS BODY PORT [extra tlsviz args]
one_case() {
  local tls=$1 body=$2 port=$3; shift 3
  local tag="TLS $tls body $body $*" cap=$T_TMP/$port.pcapng kl=$T_TMP/$port.keys
  probe_capture_start "$cap" "tcp port $port" || { fail "$tag: dumpcap captured no probe"; return; }
  timeout 60 "$TLSVIZ" live --batch --json --capture pcap --tls "$tls" --port "$port" \
    --body-bytes "$body" --keylog "$kl" "$@" >"$T_TMP/$port.json" 2>"$T_TMP/$port.err" ||
    { fail "$tag: tlsviz failed: $(head -c 300 "$T_TMP/$port.err")"; probe_capture_stop "$cap"; return; }
  probe_capture_stop "$cap" || fail "$tag: the capture's last probe never came"
  local dir mine theirs follow node0_is_server=0
  follow=$(tshark -n -r "$cap" -o "tls.keylog_file:$kl" -q -z follow,tls,raw,0 2>/dev/null)
  # unindented lines belong to Node 0, tab-indented ones to Node 1
  grep -q "^Node 0: .*:$port\$" <<<"$follow" && node0_is_server=1
  for dir in c2s s2c; do
    mine=$(jq -r --arg d "$dir" 'select(.type=="app_data" and .dir==$d) | .hex' "$T_TMP/$port.json" | tr -d '\n')
    # tshark: the decrypted stream, client lines unindented, server lines tab-indented
    local indented=0
    { [ "$dir" = s2c ] && [ $node0_is_server = 0 ]; } || { [ "$dir" = c2s ] && [ $node0_is_server = 1 ]; } && indented=1
    theirs=$(sed -n '/^Node 1:/,/^=====/p' <<<"$follow" | sed '1d;$d' |
      if [ $indented = 0 ]; then grep -v $'^\t'; else grep $'^\t' | tr -d '\t'; fi | tr -d '\n')
    if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then
      pass "$tag: $dir plaintext equals tshark's (${#mine} hex digits)"
    else
      fail "$tag: $dir plaintext differs from tshark's (tlsviz ${#mine}, tshark ${#theirs} hex digits)"
    fi
  done
  # the response really carries the requested body
  local resp
  resp=$(jq -r 'select(.type=="app_data" and .dir=="s2c") | .hex' "$T_TMP/$port.json" | tr -d '\n' | xxd -r -p | head -c 2000 | tr -d '\0')
  grep -q "^HTTP/1.1 200" <<<"$resp" && pass "$tag: HTTP 200 decoded" || fail "$tag: no HTTP 200 in decrypted response"
  grep -qi "^Content-Length: $body" <<<"$(tr -d '\r' <<<"$resp")" && pass "$tag: Content-Length $body" ||
    fail "$tag: Content-Length is not $body"
  local total
  total=$(jq -s '[.[] | select(.type=="app_data" and .dir=="s2c") | .len] | add' "$T_TMP/$port.json")
  [ "${total:-0}" -gt "$body" ] && pass "$tag: $total decrypted response bytes" || fail "$tag: only ${total:-0} response bytes"
  # no decode errors in a clean session
  [ "$(jq -c 'select(.type=="error")' "$T_TMP/$port.json" | wc -l)" -eq 0 ] && pass "$tag: no decode errors" ||
    fail "$tag: decode errors: $(jq -c 'select(.type=="error")' "$T_TMP/$port.json" | head -3)"
}

one_case 1.3 300 47101
one_case 1.3 200000 47102
one_case 1.2 50000 47103 --suite ECDHE-RSA-AES128-SHA256
one_case 1.2 3000 47104 --suite ECDHE-ECDSA-CHACHA20-POLY1305 --cert-type ecdsa-p256
done_tests
