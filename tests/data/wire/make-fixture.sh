#!/bin/bash
# How tls-get.pcap and tls-get.keys were made (run as root; needs dumpcap):
#   mkdir out && unshare -n bash make-fixture.sh out
# Two HTTPS GETs over 127.0.0.1:443 in a private network namespace (TLS 1.3,
# then TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256), captured with dumpcap, with
# the clients' NSS key log. Throwaway key and secrets: test data only.
set -e
cd "$1"
ip link set lo up
printf "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello tlsviz" > resp.txt
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -out c.pem -days 3650 -subj /CN=localhost 2>/dev/null
dumpcap -q -i lo -f "tcp port 443" -P -w cap.pcap 2>dump.err &
DP=$!
sleep 1.5
openssl s_server -quiet -accept 127.0.0.1:443 -cert c.pem -key k.pem -HTTP >srv.log 2>&1 &
SP=$!
sleep 0.5
printf 'GET /resp.txt HTTP/1.0\r\nHost: localhost\r\n\r\n' | timeout 5 openssl s_client -quiet -connect 127.0.0.1:443 -tls1_3 -keylogfile keys.txt >c1.out 2>&1 || true
printf 'GET /resp.txt HTTP/1.0\r\nHost: localhost\r\n\r\n' | timeout 5 openssl s_client -quiet -connect 127.0.0.1:443 -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -keylogfile keys.txt >c2.out 2>&1 || true
sleep 1
kill $SP; kill $DP; wait $DP || true
mv cap.pcap tls-get.pcap; mv keys.txt tls-get.keys
