#!/bin/bash
# Run inside a private network namespace (test_connections_many.sh): openssl
# s_server on 127.0.0.1:4433 and 200 client connections by curl and openssl
# s_client with varied server names, versions and suites, some failing
# (untrusted CA, wrong host name), captured by dumpcap on lo.
# usage: many_conns.sh OUTDIR CAPTURES_DIR; writes OUTDIR/many.pcapng and many.keys.
set -u
out=$1 cap=$2
. "$(cd "$(dirname "$0")" && pwd)/probe_capture.sh"
ip link set lo up
cd "$out" || exit 1
openssl s_server -accept 4433 -cert "$cap/rsa-server.crt" -key "$cap/rsa-server.key" -www -quiet \
  -keylogfile "$out/many.keys" > s_server.log 2>&1 &
srv=$!
probe_capture_start "$out/many.pcapng" 'tcp port 4433' ||
  { echo "many_conns: dumpcap did not start capturing" >&2; kill $srv; exit 1; }
for i in $(seq 1 50); do timeout 5 openssl s_client -connect 127.0.0.1:4433 -quiet -no_ign_eof < /dev/null > /dev/null 2>&1 && break; sleep 0.1; done
n=0
run() { n=$((n + 1)); timeout 10 "$@" > /dev/null 2>&1 < /dev/null; }
ca=$cap/test-ca.crt
for i in $(seq 1 60); do run curl -s --cacert "$ca" "https://localhost:4433/"; done
for s in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305 AES128-GCM-SHA256; do
  for i in $(seq 1 10); do run curl -s --cacert "$ca" --tlsv1.2 --tls-max 1.2 --ciphers "$s" "https://localhost:4433/"; done
done
for i in $(seq 1 40); do
  v=-tls1_3; [ $((i % 2)) = 0 ] && v=-tls1_2
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect 127.0.0.1:4433 -servername "name$i.example" $v \
    -CAfile "$ca" -quiet > /dev/null 2>&1; n=$((n + 1))
done
for i in $(seq 1 30); do run curl -s "https://localhost:4433/"; done   # untrusted CA: the client aborts
for i in $(seq 1 30); do
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect 127.0.0.1:4433 -servername "wrong$i.example" \
    -verify_hostname "wrong$i.example" -verify_return_error -CAfile "$ca" -quiet > /dev/null 2>&1; n=$((n + 1))
done
# the last probe: every packet before it has been written
probe_capture_stop "$out/many.pcapng" || echo "many_conns: the last probe never came" >&2
kill $srv; wait $srv 2>/dev/null
echo "many_conns: $n client runs" >&2
