#!/bin/bash
# Run inside a private network namespace (test_connections_many.sh): openssl
# s_server on 127.0.0.1:4433 and 200 client connections by curl and openssl
# s_client with varied server names, versions and suites, some failing
# (untrusted CA, wrong host name), captured by dumpcap on lo.
# usage: many_conns.sh OUTDIR CAPTURES_DIR; writes OUTDIR/many.pcapng and many.keys.
set -u
out=$1 cap=$2
ip link set lo up
cd "$out" || exit 1
openssl s_server -accept 4433 -cert "$cap/rsa-server.crt" -key "$cap/rsa-server.key" -www -quiet \
  -keylogfile "$out/many.keys" > s_server.log 2>&1 &
srv=$!
dumpcap -q -i lo -f 'tcp port 4433 or udp port 9' -w "$out/many.pcapng" > dumpcap.log 2>&1 &
cap_pid=$!
# dumpcap really captures some time after it starts: send probes until one is in the file
ready=0
for i in $(seq 1 100); do
  printf probe > /dev/udp/127.0.0.1/9 2>/dev/null
  if [ -s "$out/many.pcapng" ] && tshark -r "$out/many.pcapng" -Y udp 2>/dev/null | grep -q .; then ready=1; break; fi
  sleep 0.1
done
[ $ready = 1 ] || { echo "many_conns: dumpcap did not start capturing" >&2; kill $srv $cap_pid; exit 1; }
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
# the probe again: every packet before it has been written
for i in $(seq 1 100); do
  printf end > /dev/udp/127.0.0.1/9 2>/dev/null
  [ "$(tshark -r "$out/many.pcapng" -Y 'udp and data.data == 65:6e:64' 2>/dev/null | wc -l)" -gt 0 ] && break
  sleep 0.1
done
kill -INT $cap_pid; wait $cap_pid
kill $srv; wait $srv 2>/dev/null
echo "many_conns: $n client runs" >&2
