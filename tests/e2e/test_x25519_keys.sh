#!/usr/bin/env bash
# x25519 key shares of the live session, checked with OpenSSL (an X25519
# implementation nobody here wrote): each ephemeral private key tlsviz shows
# gives the public key it shows, that public key is the share on the wire
# (the decoded key_share / key exchange message), and X25519 of either side's
# private key with the other side's public key is the shared secret shown.
# TLS 1.3 (the default group, with a HelloRetryRequest and with resumption)
# and TLS 1.2.
. "$(dirname "$0")/lib.sh"
need jq openssl xxd

# hexfile HEX FILE: write the bytes of HEX to FILE.
hexfile() { printf '%s' "$1" | xxd -r -p >"$2"; }
# x25519_pub PRIV_HEX: the public key OpenSSL computes (RFC 8410 PKCS#8 around the raw key).
x25519_pub() {
  hexfile "302e020100300506032b656e04220420$1" "$T_TMP/priv.der"
  openssl pkey -inform DER -in "$T_TMP/priv.der" -pubout -outform DER | tail -c 32 | xxd -p -c 64
}
# x25519_derive PRIV_HEX PEER_PUB_HEX: the shared secret OpenSSL computes.
x25519_derive() {
  hexfile "302e020100300506032b656e04220420$1" "$T_TMP/priv.der"
  hexfile "302a300506032b656e032100$2" "$T_TMP/peer.der"
  openssl pkeyutl -derive -inkey "$T_TMP/priv.der" -keyform DER -peerkey "$T_TMP/peer.der" -peerform DER |
    xxd -p -c 64
}
# key J CONN NAME: the last value of key NAME in connection CONN.
key() { jq -r --argjson c "$2" --arg n "$3" 'select(.type=="key" and .conn==$c and .name==$n) | .value' "$1" | tail -1; }
# wire J CONN MSG FIELD: the last decoded field FIELD of handshake message MSG.
wire() {
  jq -r --argjson c "$2" --arg m "$3" --arg f "$4" \
    'select(.type=="handshake" and .conn==$c and .msg==$m) | .fields[] | select(.name==$f) | .value' "$1" | tail -1
}

# check_conn J CONN WHAT SECRET CMSG CFIELD SMSG SFIELD
check_conn() {
  local j=$1 c=$2 what=$3 secret=$4 cpriv cpub spriv spub shared
  cpriv=$(key "$j" "$c" client_ephemeral_private_key)
  spriv=$(key "$j" "$c" server_ephemeral_private_key)
  cpub=$(key "$j" "$c" client_ephemeral_public_key)
  spub=$(key "$j" "$c" server_ephemeral_public_key)
  shared=$(key "$j" "$c" "$secret")
  for v in cpriv spriv cpub spub shared; do
    [ ${#v} -gt 0 ] && [ "$(eval echo \${#$v})" -eq 64 ] || { fail "$what: $v missing or not 32 bytes ('$(eval echo \$$v)')"; return; }
  done
  check "$what: client private key gives the client public key (openssl pkey)" [ "$(x25519_pub "$cpriv")" = "$cpub" ]
  check "$what: server private key gives the server public key (openssl pkey)" [ "$(x25519_pub "$spriv")" = "$spub" ]
  check "$what: client public key is the one on the wire ($5.$6)" [ "$(wire "$j" "$c" "$5" "$6")" = "$cpub" ]
  check "$what: server public key is the one on the wire ($7.$8)" [ "$(wire "$j" "$c" "$7" "$8")" = "$spub" ]
  check "$what: X25519(client private, server public) = $secret (openssl pkeyutl -derive)" \
    [ "$(x25519_derive "$cpriv" "$spub")" = "$shared" ]
  check "$what: X25519(server private, client public) = $secret" [ "$(x25519_derive "$spriv" "$cpub")" = "$shared" ]
  check "$what: the shared secret's derivation names X25519" \
    jq -s -e --argjson c "$c" --arg n "$secret" \
    'map(select(.type=="key" and .conn==$c and .name==$n) | .derivation) | length > 0 and all(test("^X25519\\("))' \
    "$j" >/dev/null
}

run() { # NAME ARGS...: a live batch session as JSON Lines
  local n=$1; shift
  timeout 60 "$TLSVIZ" live --batch --json "$@" >"$T_TMP/$n.jsonl" 2>"$T_TMP/$n.err" ||
    { fail "$n: tlsviz live $* failed: $(tail -3 "$T_TMP/$n.err")"; return 1; }
}

# TLS 1.3 with no --group: x25519 is the default, as in every browser
if run tls13; then
  check "default group is x25519" \
    jq -s -e 'map(select(.type=="facts" and .group != null) | .group) | length > 0 and all(. == "x25519")' \
    "$T_TMP/tls13.jsonl" >/dev/null
  check_conn "$T_TMP/tls13.jsonl" 1 "TLS 1.3" ecdhe_shared_secret client_hello key_exchange server_hello key_exchange
fi
# HelloRetryRequest: the second ClientHello's x25519 share
run hrr --scenario hrr &&
  check_conn "$T_TMP/hrr.jsonl" 1 "TLS 1.3 HRR" ecdhe_shared_secret client_hello key_exchange server_hello key_exchange
# resumption: a fresh x25519 exchange in both connections (psk_dhe_ke)
if run resumption --scenario resumption; then
  check_conn "$T_TMP/resumption.jsonl" 1 "resumption, connection 1" ecdhe_shared_secret \
    client_hello key_exchange server_hello key_exchange
  check_conn "$T_TMP/resumption.jsonl" 2 "resumption, connection 2" ecdhe_shared_secret \
    client_hello key_exchange server_hello key_exchange
fi
# TLS 1.2 ECDHE with x25519
run tls12 --tls 1.2 --group x25519 &&
  check_conn "$T_TMP/tls12.jsonl" 1 "TLS 1.2" premaster_secret client_key_exchange ecdh_Yc \
    server_key_exchange public
done_tests
