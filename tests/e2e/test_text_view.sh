#!/usr/bin/env bash
# The text view: one block per stage (live) or per flight (replay), plaintext
# vs encrypted marked per record, keys with owner and derivation.
. "$(dirname "$0")/lib.sh"
cap=$TLSVIZ_SRC/captures

out=$("$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --keylog "$cap/tls13-resumption.keys" --batch) ||
  fail "replay exited $?"
check "replay: a flight block per direction change" \
  grep -q '^== Connection 2, flight 2: server -> client ==$' <<<"$out"
# the server's first flight holds ServerHello..Finished and nothing of the client
flight=$(sed -n '/^== Connection 1, flight 2:/,/^== Connection 1, flight 3:/p' <<<"$out")
check "replay: ServerHello in flight 2" grep -q 'message s2c server_hello' <<<"$flight"
check "replay: no client record in the server's flight" bash -c '! grep -q "c2s" <<<"$1"' _ "$flight"
check "replay: certificate marked encrypted" \
  grep -q 'message s2c certificate (848 bytes) \[encrypted on the wire' <<<"$out"
check "replay: client_hello marked plaintext" grep -q 'message c2s client_hello (238 bytes) \[plaintext' <<<"$out"
check "replay: observer keys" grep -q 'key     client_handshake_traffic_secret \[observer' <<<"$out"

out=$("$TLSVIZ" replay "$cap/tls13-resumption.pcapng" --batch) || fail "keyless replay exited $?"
check "replay without keys: ciphertext with a reason" \
  grep -q 'encrypted: ciphertext only; no key for this client random' <<<"$out"
check "replay without keys: no decrypted data" bash -c '! grep -q "^  data " <<<"$1"' _ "$out"

out=$("$TLSVIZ" live --batch --capture tap) || fail "live exited $?"
check "live: stage blocks, no flight blocks" bash -c 'grep -q "^== Stage 2: ClientHello" <<<"$1" && ! grep -q "flight" <<<"$1"' _ "$out"
stage3=$(sed -n '/^== Stage 3:/,/^== Stage 4:/p' <<<"$out")
check "live: stage 3 holds the server's records only" bash -c 'grep -q "record  s2c" <<<"$1" && ! grep -q "record  c2s" <<<"$1"' _ "$stage3"
check "live: capture source announced" grep -q '^  info: capture: tap' <<<"$out"
check "live: keys with derivation" grep -q '      from HKDF' <<<"$out"
done_tests
