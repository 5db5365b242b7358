#!/bin/bash
# Issue acceptance test: live sessions over the suite/group matrix, captured
# by dumpcap on the loopback of a private network namespace, must decrypt in
# tshark using ONLY the key log tlsviz wrote (GET request and 200 response
# visible). A control run without the key log must show no HTTP. tlsviz runs
# with --capture pcap so it stays in this namespace, beside dumpcap.
set -u
: "${TLSVIZ:?run through ctest, or set TLSVIZ to the binary}"

# Re-run inside a private network namespace (nothing leaves it).
if [ -z "${TLSVIZ_IN_NETNS:-}" ]; then
  if [ "$(id -u)" = 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
  exec env TLSVIZ_IN_NETNS=1 "${ns[@]}" bash "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/probe_capture.sh"
need tshark dumpcap ip

ip link set lo up || { fail "cannot bring lo up in the namespace"; done_tests; }

# live_case TLS SUITE GROUP CERT PORT: one session, captured and decrypted.
live_case() {
  local tls=$1 suite=$2 group=$3 cert=$4 port=$5
  local tag="TLS $tls $suite $group $cert"
  local cap=$T_TMP/$port.pcapng kl=$T_TMP/$port.keys
  local rc out

  if ! probe_capture_start "$cap.part" "tcp port $port"; then
    fail "$tag: dumpcap captured no probe: $(cat "$cap.part.dumpcap")"; return
  fi
  timeout 60 "$TLSVIZ" live --batch --capture pcap --tls "$tls" --suite "$suite" --group "$group" \
    --cert-type "$cert" --keylog "$kl" --port "$port" >"$T_TMP/$port.out" 2>"$T_TMP/$port.err"
  rc=$?
  probe_capture_stop "$cap.part" || fail "$tag: the capture's last probe never came"
  mv "$cap.part" "$cap"
  if [ $rc -ne 0 ]; then
    fail "$tag: tlsviz exited $rc: $(head -c 400 "$T_TMP/$port.err")"; return
  fi
  [ -s "$kl" ] || { fail "$tag: no key log written"; return; }
  [ "$(stat -c %a "$kl")" = 600 ] || fail "$tag: key log mode is $(stat -c %a "$kl"), not 600"
  if [ "$tls" = 1.3 ]; then
    grep -q '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "$kl" && grep -q '^SERVER_TRAFFIC_SECRET_0 ' "$kl" ||
      fail "$tag: key log lacks TLS 1.3 secrets"
  else
    grep -q '^CLIENT_RANDOM ' "$kl" || fail "$tag: key log lacks CLIENT_RANDOM"
  fi
  out=$(tshark -n -r "$cap" -o "tls.keylog_file:$kl" -d "tcp.port==$port,tls" -d "tls.port==$port,http" \
    -Y http -T fields -e http.request.method -e http.request.uri -e http.response.code 2>/dev/null)
  if printf '%s\n' "$out" | grep -q "^GET	/" && printf '%s\n' "$out" | grep -q "	200$"; then
    pass "$tag: tshark decrypts GET and 200 with tlsviz's key log"
  else
    fail "$tag: tshark did not show GET and 200: $out"
  fi
  # control: the same capture without the key log shows no HTTP
  out=$(tshark -n -r "$cap" -d "tcp.port==$port,tls" -d "tls.port==$port,http" -Y http 2>/dev/null)
  [ -z "$out" ] || fail "$tag: HTTP visible without the key log: $out"
}

port=24100
for suite in TLS13-AES128-GCM-SHA256 TLS13-AES256-GCM-SHA384 TLS13-CHACHA20-POLY1305-SHA256; do
  for group in x25519 secp256r1; do
    port=$((port + 1))
    live_case 1.3 "$suite" "$group" rsa2048 "$port"
  done
done
for suite in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-AES128-SHA256; do
  port=$((port + 1))
  live_case 1.2 "$suite" x25519 rsa2048 "$port"
done
for suite in ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-SHA; do
  port=$((port + 1))
  live_case 1.2 "$suite" secp256r1 ecdsa-p256 "$port"
done
done_tests
