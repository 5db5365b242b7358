#!/usr/bin/env bash
# tlsviz serve: the wolfSSL server alone; curl and openssl s_client connect
# as outside clients and both handshakes decrypt in tlsviz's JSON Lines.
# Everything runs in a private network namespace (unshare -n, lo up), so the
# traffic stays private and libpcap on lo there is "the current namespace".
# tshark, with the key log serve wrote, decrypts an independent capture.
. "$(dirname "$0")/lib.sh"
need curl openssl tshark dumpcap unshare ip

if [ "$(id -u)" -eq 0 ]; then NS=(unshare -n); else NS=(unshare -rn); fi
"${NS[@]}" true 2>/dev/null || { fail "cannot create a network namespace with ${NS[*]}"; done_tests; }

PORT=8443
cat >"$T_TMP/inner.sh" <<EOF
ip link set lo up
cd "$T_TMP"
. "$TLSVIZ_SRC/tests/e2e/probe_capture.sh"
probe_capture_start "$T_TMP/oracle.pcapng" "tcp port $PORT" || echo "no probe in the capture" >"$T_TMP/probe.err"
"$TLSVIZ" serve --batch --json --port $PORT --count 2 --timeout 30 --keylog "$T_TMP/serve.keys" \
  >"$T_TMP/serve.json" 2>"$T_TMP/serve.err" &
spid=\$!
for i in \$(seq 100); do grep -q "trust this CA" "$T_TMP/serve.err" && break; sleep 0.1; done
CA=\$(sed -n 's/.*--cacert \([^ ]*\) .*/\1/p' "$T_TMP/serve.err")
echo "\$CA" >"$T_TMP/ca.path"
stat -c %a "\$CA" >"$T_TMP/ca.mode" 2>/dev/null
curl -sS --max-time 15 --cacert "\$CA" "https://localhost:$PORT/" >"$T_TMP/curl.out" 2>"$T_TMP/curl.err"
echo \$? >"$T_TMP/curl.rc"
printf 'GET /from-s_client HTTP/1.0\r\nHost: localhost\r\n\r\n' |
  timeout 15 openssl s_client -connect 127.0.0.1:$PORT -servername localhost -CAfile "\$CA" -verify_return_error -quiet \
  >"$T_TMP/sclient.out" 2>"$T_TMP/sclient.err"
echo \$? >"$T_TMP/sclient.rc"
wait \$spid
echo \$? >"$T_TMP/serve.rc"
probe_capture_stop "$T_TMP/oracle.pcapng" || echo "the last probe never came" >>"$T_TMP/probe.err"
EOF
timeout 120 "${NS[@]}" bash "$T_TMP/inner.sh"
[ -s "$T_TMP/probe.err" ] && fail "oracle capture: $(cat "$T_TMP/probe.err")"
J="$T_TMP/serve.json"

[ "$(cat "$T_TMP/serve.rc" 2>/dev/null)" = 0 ] && pass "serve exits 0 after --count 2" ||
  fail "serve exit $(cat "$T_TMP/serve.rc" 2>/dev/null) ($(head -c 300 "$T_TMP/serve.err"))"
[ -s "$T_TMP/ca.path" ] && pass "serve prints the CA to trust" || fail "no 'trust this CA' line"
[ "$(cat "$T_TMP/ca.mode" 2>/dev/null)" = 644 ] && pass "CA file is 0644" || fail "CA file mode $(cat "$T_TMP/ca.mode" 2>/dev/null)"
[ ! -e "$(cat "$T_TMP/ca.path")" ] && pass "CA file removed at exit" || fail "CA file left behind"
[ "$(cat "$T_TMP/curl.rc")" = 0 ] && grep -q 'Hello from tlsviz' "$T_TMP/curl.out" &&
  pass "curl verified the server and got the page" || fail "curl: rc $(cat "$T_TMP/curl.rc") $(head -c 300 "$T_TMP/curl.err")"
grep -q 'Hello from tlsviz' "$T_TMP/sclient.out" && pass "openssl s_client verified the server and got the page" ||
  fail "s_client: rc $(cat "$T_TMP/sclient.rc") $(tail -c 300 "$T_TMP/sclient.err")"

# tlsviz saw two connections and decrypted both ways of each
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
get_hex=$(hexof "GET / HTTP/1.1")
get2_hex=$(hexof "GET /from-s_client HTTP/1.0")
ok_hex=$(hexof "HTTP/1.1 200 OK")
for c in 1 2; do
  grep '"type":"handshake"' "$J" | grep "\"conn\":$c," | grep -q '"msg":"finished"' && pass "conn $c: handshake decoded" ||
    fail "conn $c: no decrypted Finished"
  grep '"type":"app_data"' "$J" | grep "\"conn\":$c,\"dir\":\"s2c\"" | grep -q "\"hex\":\"$ok_hex" &&
    pass "conn $c: response decrypted" || fail "conn $c: no decrypted HTTP/1.1 200 OK"
done
grep '"type":"app_data"' "$J" | grep '"conn":1,"dir":"c2s"' | grep -q "\"hex\":\"$get_hex" &&
  pass "curl's GET / decrypted" || fail "curl's request not decrypted"
grep '"type":"app_data"' "$J" | grep '"conn":2,"dir":"c2s"' | grep -q "\"hex\":\"$get2_hex" &&
  pass "s_client's GET decrypted" || fail "s_client's request not decrypted"
grep '"type":"record"' "$J" | grep -q '"auth_failed":true' && fail "a record failed authentication"
grep '"type":"key"' "$J" | grep -q '"owner":"server"' && pass "keys come from our server side" || fail "no server key events"
grep '"type":"key"' "$J" | grep -q '"owner":"client"' && fail "client-side keys in serve mode (the client is not ours)"
grep -q '"type":"note".*"text":"capture: pcap on lo' "$J" && pass "capture: libpcap on lo" ||
  fail "capture source: $(grep -o '"text":"capture: [^"]*' "$J")"

# the key log decrypts an independent capture in tshark
[ "$(stat -c %a "$T_TMP/serve.keys" 2>/dev/null)" = 600 ] && pass "key log is 0600" || fail "key log missing or not 0600"
grep -c '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "$T_TMP/serve.keys" | grep -q '^2$' && pass "key log: two connections" ||
  fail "key log: $(grep -c '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "$T_TMP/serve.keys") connections"
ts=$(tshark -r "$T_TMP/oracle.pcapng" -o "tls.keylog_file:$T_TMP/serve.keys" -d "tcp.port==$PORT,tls" \
  -Y http -T fields -e http.request.uri -e http.response.code 2>&1)
grep -q '^/	' <<<"$ts" && grep -q '^/from-s_client	' <<<"$ts" && [ "$(grep -c '	200$' <<<"$ts")" -eq 2 ] &&
  pass "tshark decrypts both exchanges with the key log" || fail "tshark: '$ts'"

# usage errors
err=$("$TLSVIZ" serve --batch --count 0 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--count' <<<"$err" && pass "--count 0 refused" || fail "--count 0: exit $rc '$err'"
err=$("$TLSVIZ" serve --batch --scenario hrr 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] && grep -q 'does not apply' <<<"$err" && pass "--scenario refused for serve" || fail "serve --scenario: exit $rc"
# no client within --timeout: a clear error, exit 1, no hang
out=$(timeout 30 "${NS[@]}" bash -c "ip link set lo up; '$TLSVIZ' serve --batch --port $PORT --timeout 1 2>&1"); rc=$?
[ "$rc" -eq 1 ] && grep -q 'no connection within 1 s' <<<"$out" && pass "serve --timeout 1 without a client exits 1" ||
  fail "serve --timeout: exit $rc '$out'"

done_tests
