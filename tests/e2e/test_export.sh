#!/usr/bin/env bash
# --export-plaintext writes each direction's decrypted stream, equal to the
# app_data events; SSLKEYLOGFILE is appended to (0600) like browsers and curl do.
. "$(dirname "$0")/lib.sh"
need jq xxd
cap=$TLSVIZ_SRC/captures

mkdir "$T_TMP/out"
"$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --keylog "$cap/tls13-resumption.keys" \
  --export-plaintext "$T_TMP/out" || fail "export exited $?"
json=$("$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --keylog "$cap/tls13-resumption.keys" --batch --json)
for f in conn1-c2s conn1-s2c conn2-c2s conn2-s2c; do
  c=${f%%-*}; c=${c#conn}; d=${f#*-}
  want=$(jq -r --argjson c "$c" --arg d "$d" 'select(.type=="app_data" and .conn==$c and .dir==$d) | .hex' <<<"$json" | tr -d '\n')
  got=$(xxd -p "$T_TMP/out/$f.bin" 2>/dev/null | tr -d '\n')
  if [ -n "$want" ] && [ "$want" = "$got" ]; then pass "$f.bin equals the app_data events"; else fail "$f.bin differs"; fi
  [ "$(stat -c %a "$T_TMP/out/$f.bin")" = 600 ] || fail "$f.bin mode is not 600"
done
grep -q "GET /hello.txt" "$T_TMP/out/conn2-c2s.bin" && pass "resumed connection's request exported" ||
  fail "no request in conn2-c2s.bin"
err=$("$TLSVIZ" replay "$cap/tls13-aes128gcm.pcapng" --export-plaintext "$T_TMP/none" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "$T_TMP/none" <<<"$err" && pass "missing export directory: exit 2 naming it" ||
  fail "missing export directory: rc $rc, '$err'"

# SSLKEYLOGFILE: appended, existing lines kept, new file 0600
echo "# kept" > "$T_TMP/ssl.log"
SSLKEYLOGFILE=$T_TMP/ssl.log "$TLSVIZ" live --batch --capture tap >/dev/null || fail "live with SSLKEYLOGFILE exited $?"
SSLKEYLOGFILE=$T_TMP/ssl.log "$TLSVIZ" live --batch --capture tap --tls 1.2 >/dev/null || fail "second live run exited $?"
check "SSLKEYLOGFILE keeps what it had" grep -q '^# kept$' "$T_TMP/ssl.log"
check "SSLKEYLOGFILE gets TLS 1.3 secrets" grep -q '^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]\{64\} [0-9a-f]\{64\}$' "$T_TMP/ssl.log"
check "SSLKEYLOGFILE gets the TLS 1.2 master secret" grep -q '^CLIENT_RANDOM [0-9a-f]\{64\} [0-9a-f]\{96\}$' "$T_TMP/ssl.log"
SSLKEYLOGFILE=$T_TMP/new.log "$TLSVIZ" live --batch --capture tap >/dev/null
[ "$(stat -c %a "$T_TMP/new.log" 2>/dev/null)" = 600 ] && pass "new SSLKEYLOGFILE is 0600" || fail "new SSLKEYLOGFILE mode"
done_tests
