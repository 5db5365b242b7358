#!/usr/bin/env bash
# Workshop scenarios: each runs headless (live --scenario X --batch --json)
# and shows its defining events, asserted on the JSON Lines. Exit status:
# 0 when the scenario showed what it demonstrates (for untrusted, impostor
# and tamper that means: the connection failed), see tlsviz(1).
. "$(dirname "$0")/lib.sh"

# run NAME: the scenario's JSON Lines in $T_TMP/NAME.json, exit code in RC.
run() {
  local sc=$1
  timeout 120 "$TLSVIZ" live --scenario "$sc" --batch --json >"$T_TMP/$sc.json" 2>"$T_TMP/$sc.err"
  RC=$?
  J="$T_TMP/$sc.json"
  [ "$RC" -eq 0 ] && pass "$sc: exit 0" || fail "$sc: exit $RC ($(head -c 300 "$T_TMP/$sc.err"))"
  grep -q "\"type\":\"note\".*\"text\":\"scenario $sc: " "$J" && pass "$sc: explanation note" ||
    fail "$sc: no 'scenario $sc:' note"
  grep -q '"type":"end"' "$J" || fail "$sc: no end event"
}
# msgs CONN [DIR]: handshake message names of a connection in order, one line.
msgs() {
  grep '"type":"handshake"' "$J" | grep "\"conn\":$1," | { if [ -n "${2:-}" ]; then grep "\"dir\":\"$2\""; else cat; fi; } |
    sed -n 's/.*"msg":"\([a-z_]*\)".*/\1/p' | paste -sd' '
}
# hs CONN MSG: the JSON line of the first such handshake message.
hs() { grep '"type":"handshake"' "$J" | grep "\"conn\":$1," | grep "\"msg\":\"$2\"" | head -1; }
# alert_desc DIR: description names of the alerts sent in that direction.
alert_desc() { grep '"type":"alert"' "$J" | grep "\"dir\":\"$1\"" | sed -n 's/.*"desc_name":"\([a-z_]*\)".*/\1/p' | paste -sd' '; }
# has TEXT: the JSON holds TEXT.
has() { grep -q -- "$1" "$J"; }

# tls13 and tls12: the plain handshakes.
run tls13
m=$(msgs 1)
[[ "$m" == "client_hello server_hello encrypted_extensions certificate certificate_verify finished finished"* ]] &&
  pass "tls13: handshake order" || fail "tls13: messages '$m'"
has '"type":"app_data","seq":[0-9]*,"conn":1,"dir":"s2c"' && pass "tls13: response decrypted" || fail "tls13: no s2c app_data"

run tls12
m=$(msgs 1)
[[ "$m" == "client_hello server_hello certificate server_key_exchange server_hello_done client_key_exchange finished finished"* ]] &&
  pass "tls12: ECDHE handshake order" || fail "tls12: messages '$m'"
has '"name":"premaster_secret"' && pass "tls12: premaster secret shown" || fail "tls12: no premaster_secret key"

# hrr: ClientHello, HelloRetryRequest (msg_type 2), a second ClientHello.
run hrr
m=$(msgs 1)
[[ "$m" == "client_hello hello_retry_request client_hello server_hello encrypted_extensions"* ]] &&
  pass "hrr: ClientHello, HelloRetryRequest, ClientHello, ServerHello" || fail "hrr: messages '$m'"
hs 1 hello_retry_request | grep -q '"msg_type":2,' && pass "hrr: HRR keeps msg_type 2" || fail "hrr: HRR msg_type"
hs 1 hello_retry_request | grep -q '"name":"selected_group","value":"x25519' && pass "hrr: HRR asks for x25519" ||
  fail "hrr: HRR does not name x25519"
hs 1 client_hello | grep -q '"key_share_entry","value":"secp256r1' && pass "hrr: first key share secp256r1" ||
  fail "hrr: first ClientHello lacks the secp256r1 share"
has '"type":"app_data","seq":[0-9]*,"conn":1,"dir":"s2c"' && pass "hrr: response decrypted" || fail "hrr: no app_data"

# resumption: conn 2 resumes with the PSK: pre_shared_key in both hellos, no certificate.
run resumption
m1=$(msgs 1); m2=$(msgs 2)
[[ "$m1" == *"certificate certificate_verify finished finished new_session_ticket"* ]] &&
  pass "resumption: conn 1 full handshake with a ticket" || fail "resumption: conn 1 messages '$m1'"
[[ "$m2" == "client_hello server_hello encrypted_extensions finished finished"* ]] &&
  pass "resumption: conn 2 has no certificate" || fail "resumption: conn 2 messages '$m2'"
[[ "$m2" != *certificate* ]] || fail "resumption: conn 2 has a certificate message"
hs 2 client_hello | grep -q '"value":"pre_shared_key (0x0029)"' && pass "resumption: ClientHello offers a PSK" ||
  fail "resumption: conn 2 ClientHello lacks pre_shared_key"
hs 2 server_hello | grep -q '"value":"pre_shared_key (0x0029)"' && pass "resumption: ServerHello accepts it" ||
  fail "resumption: conn 2 ServerHello lacks pre_shared_key"
hs 2 server_hello | grep -q '"key_share_entry"\|"name":"key_share"\|key_share (0x0033)' &&
  pass "resumption: still (EC)DHE" || fail "resumption: conn 2 without key_share"
grep '"type":"key"' "$J" | grep '"conn":2,' | grep -q '"name":"binder_key"' && pass "resumption: binder key shown" ||
  fail "resumption: no binder_key on conn 2"
grep '"type":"key"' "$J" | grep '"conn":2,' | grep '"name":"early_secret"' | grep -q 'IKM=PSK' &&
  pass "resumption: early secret from the PSK" || fail "resumption: early secret not from the PSK"
grep '"type":"key"' "$J" | grep -q '"name":"resumption_master_secret"' && pass "resumption: res master shown" ||
  fail "resumption: no resumption_master_secret"
grep '"type":"app_data"' "$J" | grep -q '"conn":2,"dir":"s2c"' && pass "resumption: conn 2 decrypted" ||
  fail "resumption: conn 2 not decrypted"
grep '"type":"stage"' "$J" | grep -q '"conn":2,.*"name":"client_hello"' && pass "resumption: conn 2 has its stages" ||
  fail "resumption: no stages on conn 2"

# mtls: CertificateRequest, then the client's Certificate and CertificateVerify.
run mtls
m=$(msgs 1 s2c); c=$(msgs 1 c2s)
[[ "$m" == *"encrypted_extensions certificate_request certificate certificate_verify finished"* ]] &&
  pass "mtls: server sends CertificateRequest" || fail "mtls: server messages '$m'"
[[ "$c" == "client_hello certificate certificate_verify finished"* ]] &&
  pass "mtls: client certificate and CertificateVerify" || fail "mtls: client messages '$c'"
grep '"type":"handshake"' "$J" | grep '"dir":"c2s"' | grep '"msg":"certificate"' | grep -q 'tlsviz client' &&
  pass "mtls: the client certificate is the client's" || fail "mtls: client certificate subject"

# keyupdate: an encrypted key_update, then app data under the next generation.
run keyupdate
c=$(msgs 1 c2s)
[[ "$c" == *"finished key_update"* ]] && pass "keyupdate: client KeyUpdate" || fail "keyupdate: client messages '$c'"
hs 1 key_update | grep -q '"encrypted":true' && pass "keyupdate: KeyUpdate is encrypted" || fail "keyupdate: not encrypted"
hs 1 key_update | grep -q 'update_requested' && pass "keyupdate: update_requested" || fail "keyupdate: request_update"
# the client's request comes after its KeyUpdate and decrypts
ku=$(grep -n '"type":"handshake".*"dir":"c2s".*"msg":"key_update"' "$J" | head -1 | cut -d: -f1)
ad=$(grep -n '"type":"app_data".*"dir":"c2s"' "$J" | head -1 | cut -d: -f1)
[ -n "$ku" ] && [ -n "$ad" ] && [ "$ad" -gt "$ku" ] && pass "keyupdate: request decrypted after the KeyUpdate" ||
  fail "keyupdate: no c2s app data after the KeyUpdate ($ku, $ad)"
for side in client server; do
  v=$(grep '"type":"key"' "$J" | grep "\"name\":\"${side}_application_traffic_secret_1\"" |
    sed -n 's/.*"value":"\([0-9a-f]*\)".*/\1/p' | sort -u)
  [ -n "$v" ] && [ "$(wc -l <<<"$v")" -eq 1 ] && pass "keyupdate: ${side} secret_1 (session = decoder)" ||
    fail "keyupdate: ${side}_application_traffic_secret_1 missing or disagreeing"
done
grep '"type":"key"' "$J" | grep '"label":"traffic upd"' | grep -q '"owner":"client"' &&
  pass "keyupdate: traffic upd from the session" || fail "keyupdate: no traffic upd key from the session"

# untrusted / impostor: the client aborts after the server's Certificate with a fatal alert.
run untrusted
a=$(alert_desc c2s)
[[ "$a" == unknown_ca* || "$a" == bad_certificate* ]] && pass "untrusted: client alert $a" || fail "untrusted: alerts '$a'"
has '"type":"error".*"text":"client: handshake failed: certificate verification failed' &&
  pass "untrusted: reason from wolfSSL" || fail "untrusted: no verification error"
has '"type":"app_data"' && fail "untrusted: application data was exchanged" || pass "untrusted: no application data"

run impostor
a=$(alert_desc c2s)
[[ "$a" == bad_certificate* ]] && pass "impostor: client alert $a" || fail "impostor: alerts '$a'"
has 'name mismatch' && pass "impostor: name mismatch reported" || fail "impostor: no name mismatch error"
grep '"msg":"certificate"' "$J" | grep -q 'evil.example' && pass "impostor: certificate for evil.example" ||
  fail "impostor: certificate does not name evil.example"

# tamper: the flipped record fails authentication; the server answers bad_record_mac.
run tamper
a=$(alert_desc s2c)
[[ "$a" == bad_record_mac* ]] && pass "tamper: server alert bad_record_mac" || fail "tamper: alerts '$a'"
off=$(sed -n 's/.*"text":"tamper: .*record at c2s stream offset \([0-9]*\),.*/\1/p' "$J")
[ -n "$off" ] && pass "tamper: note names the record" || fail "tamper: no note with the offset"
grep '"type":"record"' "$J" | grep '"dir":"c2s"' | grep "\"stream_off\":$off," | grep -q '"auth_failed":true' &&
  pass "tamper: that record has auth_failed true" || fail "tamper: record at $off not auth_failed"

# forward-secrecy: the static-RSA capture decrypts with the key alone, the ECDHE session does not.
run forward-secrecy
has 'forward secrecy, part A: ' && has 'forward secrecy, part B: ' && pass "forward-secrecy: both parts labelled" ||
  fail "forward-secrecy: part notes missing"
ca=$(grep '"type":"connection"' "$J" | grep '"server":"127.0.0.1:4433"' | sed -n 's/.*"conn":\([0-9]*\),.*/\1/p' | head -1)
cb=$(grep '"type":"connection"' "$J" | grep '"source":"file"' | sed -n 's/.*"conn":\([0-9]*\),.*/\1/p' | tail -1)
[ -n "$ca" ] && [ -n "$cb" ] && [ "$ca" != "$cb" ] && [ "$ca" != 1 ] && pass "forward-secrecy: distinct conn ids ($ca, $cb)" ||
  fail "forward-secrecy: conn ids '$ca' '$cb'"
grep '"type":"app_data"' "$J" | grep -q "\"conn\":$ca," && pass "forward-secrecy: RSA capture decrypts" ||
  fail "forward-secrecy: no app_data on the RSA capture"
grep '"type":"handshake"' "$J" | grep "\"conn\":$ca," | grep -q '"msg":"client_key_exchange"' &&
  pass "forward-secrecy: static RSA key exchange" || fail "forward-secrecy: no client_key_exchange in part A"
n_enc=$(grep '"type":"record"' "$J" | grep "\"conn\":$cb," | grep -c '"encrypted":true')
n_dec=$(grep '"type":"record"' "$J" | grep "\"conn\":$cb," | grep -c '"decrypted":true')
n_why=$(grep '"type":"record"' "$J" | grep "\"conn\":$cb," | grep '"encrypted":true' | grep -c '"why_not":"')
[ "$n_enc" -gt 0 ] && [ "$n_dec" -eq 0 ] && [ "$n_why" -eq "$n_enc" ] &&
  pass "forward-secrecy: ECDHE session: $n_enc encrypted records, none decrypted, each with why_not" ||
  fail "forward-secrecy: ECDHE part: enc $n_enc dec $n_dec why $n_why"
grep '"type":"app_data"' "$J" | grep -q "\"conn\":$cb," && fail "forward-secrecy: ECDHE app data decrypted"
n_fs=$(grep '"type":"record"' "$J" | grep "\"conn\":$cb," | grep -c '"why_not":"ephemeral (EC)DHE key exchange: the server.s private key cannot recover these keys (forward secrecy)')
[ "$n_fs" -eq "$n_enc" ] && pass "forward-secrecy: every ECDHE record says why: forward secrecy" ||
  fail "forward-secrecy: $n_fs of $n_enc records explain forward secrecy"
grep '"type":"app_data"' "$J" | grep -q '"conn":1,' && pass "forward-secrecy: the live session itself decrypts (insider)" ||
  fail "forward-secrecy: live session not decrypted"
# the captures directory is found through TLSVIZ_CAPTURES too; a wrong one is a clear error
err=$(TLSVIZ_CAPTURES="$T_TMP/none" "$TLSVIZ" live --scenario forward-secrecy --batch --json 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] && grep -q 'TLSVIZ_CAPTURES' <<<"$err" && pass "forward-secrecy: missing capture is a clear error" ||
  fail "forward-secrecy: missing capture: exit $rc '$err'"

# text output labels the parts too
out=$("$TLSVIZ" live --scenario forward-secrecy --batch 2>&1)
grep -q 'part A' <<<"$out" && grep -q 'part B' <<<"$out" && pass "forward-secrecy: text output labels parts" ||
  fail "forward-secrecy: text output"

# an unknown scenario: one line naming the valid ones, exit 2
err=$("$TLSVIZ" live --batch --scenario nonsense 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown scenario 'nonsense'" <<<"$err" && grep -q 'forward-secrecy' <<<"$err" &&
  pass "unknown scenario: exit 2 with the list" || fail "unknown scenario: exit $rc '$err'"
err=$("$TLSVIZ" live --batch --scenario hrr --tls 1.2 2>&1 >/dev/null); rc=$?
[ "$rc" -eq 2 ] && grep -q 'needs TLS 1.3' <<<"$err" && pass "hrr with --tls 1.2 refused" || fail "hrr --tls 1.2: exit $rc '$err'"

done_tests
