#!/usr/bin/env bash
# The text view: one block per stage (live and replay, from the story model),
# plaintext vs encrypted marked per record, keys with owner, derivation and
# the stage they exist from, and each stage's story when it is complete.
. "$(dirname "$0")/lib.sh"
cap=$TLSVIZ_SRC/captures

out=$("$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --keylog "$cap/tls13-resumption.keys" --batch) ||
  fail "replay exited $?"
n1=$(grep -c '^== Connection 1, stage [0-9]* of ' <<<"$out")
check "replay: connection 1 has stage blocks" test "$n1" -ge 5
check "replay: every block of connection 1 says 'of $n1'" \
  bash -c '! grep "^== Connection 1, stage" <<<"$1" | grep -vq " of $2: "' _ "$out" "$n1"
check "replay: connection 2 too" grep -q '^== Connection 2, stage 3 of [0-9]*: server -> client ==$' <<<"$out"
# the server's first flight holds ServerHello..Finished and nothing of the client
flight=$(sed -n '/^== Connection 1, stage 3 of/,/^== Connection 1, stage 4 of/p' <<<"$out")
check "replay: ServerHello in stage 3" grep -q 'message s2c server_hello' <<<"$flight"
check "replay: no client record in the server's stage" bash -c '! grep -q "c2s" <<<"$1"' _ "$flight"
check "replay: stage 3's title from its messages" \
  grep -q '^  -- stage 3 of [0-9]*: ServerHello, ChangeCipherSpec, EncryptedExtensions, Certificate, CertificateVerify, Finished$' <<<"$flight"
check "replay: resumed connection's server flight has no Certificate" \
  grep -q '^  -- stage 3 of [0-9]*: ServerHello, ChangeCipherSpec, EncryptedExtensions, Finished$' <<<"$out"
check "replay: what an eavesdropper sees, per stage" grep -q '^     An eavesdropper sees the ServerHello' <<<"$flight"
check "replay: certificate marked encrypted" \
  grep -q 'message s2c certificate (848 bytes) \[encrypted on the wire' <<<"$out"
check "replay: client_hello marked plaintext" grep -q 'message c2s client_hello (238 bytes) \[plaintext' <<<"$out"
check "replay: observer keys, with their stage" \
  grep -q 'key     client_handshake_traffic_secret \[observer, 48 bytes, exists from stage 3\]' <<<"$out"

out=$("$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --batch) || fail "keyless replay exited $?"
check "replay without keys: ciphertext with a reason" \
  grep -q 'encrypted: ciphertext only; no key for this client random' <<<"$out"
check "replay without keys: no decrypted data" bash -c '! grep -q "^  data " <<<"$1"' _ "$out"

out=$("$TLSVIZ" replay "$cap/tls12-rsa-aes128gcm.pcapng" --rsa-key "$cap/rsa-server.key" --batch) ||
  fail "RSA replay exited $?"
sf=$(sed -n '/^  -- stage 3 of/,/^== /p' <<<"$out")
check "static RSA: the server flight has no ServerKeyExchange" \
  grep -q '^  -- stage 3 of 9: ServerHello, Certificate, ServerHelloDone$' <<<"$sf"
check "static RSA: the textbook story is true here" grep -q 'This is the textbook story, exactly' <<<"$sf"
check "static RSA: no ServerKeyExchange claimed" bash -c '! grep -q "ServerKeyExchange (" <<<"$1"' _ "$sf"
check "static RSA: the facts say rsa" grep -q '^  facts   TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 key exchange rsa' <<<"$out"

out=$("$TLSVIZ" live --batch --capture tap) || fail "live exited $?"
check "live: stage blocks with the plan's titles" \
  grep -q "^== Connection 1, stage 2 of 9: ClientHello - client -> server ==$" <<<"$out"
check "live: no flight blocks" bash -c '! grep -q "flight" <<<"$1"' _ "$out"
stage3=$(sed -n '/^== Connection 1, stage 3 of/,/^== Connection 1, stage 4 of/p' <<<"$out")
check "live: stage 3 holds the server's records only" bash -c 'grep -q "record  s2c" <<<"$1" && ! grep -q "record  c2s" <<<"$1"' _ "$stage3"
check "live: capture source announced" grep -q '^  info: capture: tap' <<<"$out"
check "live: keys with derivation" grep -q '      from HKDF' <<<"$out"
done_tests
