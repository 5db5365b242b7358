#!/bin/bash
# tlsviz calc against implementations nobody here wrote: OpenSSL's KDFs
# (openssl kdf HKDF, TLS13-KDF, TLS1-PRF) on random inputs, openssl pkeyutl
# -derive for X25519 and P-256/384/521, and Python's
# cryptography for X25519, ECDH on the NIST curves and TLS records (AES-GCM,
# AES-CCM, ChaCha20-Poly1305, AES-CBC + HMAC with and without encrypt_then_mac),
# tampered records included. Exit codes and stdout as the man page says.
. "$(dirname "$0")/lib.sh"
need openssl
PY=/usr/bin/python3
$PY -c 'import cryptography' 2>/dev/null || { fail "Python's cryptography missing (run scripts/install-deps.sh)"; done_tests; }

# calc_is NAME EXPECTED ARGS...: calc prints exactly EXPECTED (one line), exit 0.
calc_is() {
  local name=$1 want=$2 got rc; shift 2
  got=$("$TLSVIZ" calc "$@" 2>"$T_TMP/err"); rc=$?
  if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then pass "$name"; else
    fail "$name: exit $rc, got '$got', want '$want' ($(cat "$T_TMP/err"))"; fi
}
# ossl ARGS...: openssl kdf's output as lowercase hex without colons.
ossl() { openssl kdf "$@" | tr -d ':\n' | tr 'A-F' 'a-f'; }
rnd() { [ "$1" -gt 0 ] && openssl rand -hex "$1"; }

# ---- HKDF-Extract, HKDF-Expand-Label, Derive-Secret, PRF against OpenSSL ----
labels=("c hs traffic" "s hs traffic" "c ap traffic" "derived" "key" "iv" "finished" "res master" "exp master")
for h in sha256 sha384; do
  hl=32; [ $h = sha384 ] && hl=48
  H=$(echo $h | tr a-z A-Z)
  empty_hash=$(printf '' | openssl dgst -$h -r | cut -d' ' -f1)
  for i in 0 1 2 3 4; do
    salt=$(rnd $hl); ikm=$(rnd $((hl - i)))
    [ $i -eq 0 ] && salt=""
    want=$(ossl -keylen $hl -kdfopt digest:$H -kdfopt mode:EXTRACT_ONLY -kdfopt hexkey:$ikm \
      ${salt:+-kdfopt hexsalt:$salt} HKDF)
    calc_is "hkdf-extract $h $i" "$want" hkdf-extract "$salt" "$ikm" --hash $h
    secret=$(rnd $hl); label=${labels[$((i * 2 % ${#labels[@]}))]}; ctx=$(rnd $((i * 8)))
    len=$((i * 7 + 12))
    want=$(ossl -keylen $len -kdfopt digest:$H -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:$secret \
      -kdfopt "prefix:tls13 " -kdfopt "label:$label" ${ctx:+-kdfopt hexdata:$ctx} TLS13-KDF)
    calc_is "hkdf-expand-label $h '$label' ${#ctx}" "$want" hkdf-expand-label "$secret" "$label" "$ctx" $len --hash $h
    calc_is "hkdf-expand-label takes the 'tls13 ' prefix too" "$want" \
      hkdf-expand-label "$secret" "tls13 $label" "$ctx" $len --hash $h
    th=$(rnd $hl)
    want=$(ossl -keylen $hl -kdfopt digest:$H -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:$secret \
      -kdfopt "prefix:tls13 " -kdfopt "label:$label" -kdfopt hexdata:$th TLS13-KDF)
    calc_is "derive-secret $h '$label'" "$want" derive-secret "$secret" "$label" "$th" --hash $h
    want=$(ossl -keylen $hl -kdfopt digest:$H -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:$secret \
      -kdfopt "prefix:tls13 " -kdfopt "label:derived" -kdfopt hexdata:$empty_hash TLS13-KDF)
    calc_is "derive-secret $h '' is the hash of no messages" "$want" derive-secret "$secret" derived "" --hash $h
    for plabel in "master secret" "key expansion" "client finished"; do
      secret=$(rnd 48); seed=$(rnd 64); len=$((i * 20 + 12))
      want=$(ossl -keylen $len -kdfopt digest:$H -kdfopt hexsecret:$secret -kdfopt "seed:$plabel" \
        -kdfopt hexseed:$seed TLS1-PRF)
      calc_is "prf $h '$plabel' $len" "$want" prf "$secret" "$plabel" "$seed" $len --hash $h
    done
  done
done
# the default hash is SHA-256
secret=$(rnd 32)
calc_is "no --hash is sha256" "$("$TLSVIZ" calc hkdf-extract 00 "$secret" --hash sha256)" hkdf-extract 00 "$secret"

# ---- key exchange against openssl pkeyutl -derive ----
# pkey_field PEM priv|pub: a key's raw bytes as openssl pkey -text prints them.
pkey_field() {
  openssl pkey -in "$1" -text -noout |
    awk -v f="$2:" '$0 == f { on = 1; next } on && /^ / { printf "%s", $0; next } { on = 0 }' | tr -d ' :'
}
# pad HEX BYTES: strip leading zero bytes, then left-pad to BYTES (openssl
# prints a NIST scalar with a 00 before a high bit, or shorter).
pad() { local h=$1; while [ ${#h} -gt $(($2 * 2)) ] && [ "${h:0:2}" = 00 ]; do h=${h:2}; done; printf '%*s' $(($2 * 2)) "$h" | tr ' ' 0; }
for spec in "X25519 x25519 32" "EC:P-256 secp256r1 32" "EC:P-384 secp384r1 48" "EC:P-521 secp521r1 66"; do
  read -r alg group size <<< "$spec"
  for i in 1 2 3; do
    for who in a b; do
      if [ "$alg" = X25519 ]; then openssl genpkey -algorithm X25519 -out "$T_TMP/$who.pem" 2>/dev/null
      else openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${alg#EC:}" -out "$T_TMP/$who.pem" 2>/dev/null; fi
      openssl pkey -in "$T_TMP/$who.pem" -pubout -out "$T_TMP/$who.pub" 2>/dev/null
    done
    want=$(openssl pkeyutl -derive -inkey "$T_TMP/a.pem" -peerkey "$T_TMP/b.pub" | xxd -p -c 1000)
    priv=$(pad "$(pkey_field "$T_TMP/a.pem" priv)" "$size")
    calc_is "openssl pkeyutl -derive: $group $i" "$want" ecdh "$group" "$priv" "$(pkey_field "$T_TMP/b.pem" pub)"
    calc_is "openssl pkey: the public key of $group $i" "$(pkey_field "$T_TMP/a.pem" pub)" public "$group" "$priv"
  done
done

# ---- key exchange and records against Python's cryptography ----
$PY "$TLSVIZ_SRC/tests/e2e/calc_oracle.py" 4 > "$T_TMP/cases" || fail "calc_oracle.py failed"
ncases=0
while IFS=$'\t' read -r name args first second; do
  ncases=$((ncases + 1))
  read -r -a argv <<< "$args"
  for k in "${!argv[@]}"; do [ "${argv[$k]}" = "''" ] && argv[$k]=""; done
  "$TLSVIZ" calc "${argv[@]}" > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
  if [ "${first:0:1}" = "!" ]; then
    if [ $rc -eq 1 ] && [ ! -s "$T_TMP/out" ] && grep -q "${first:1}" "$T_TMP/err"; then pass "$name: exit 1"; else
      fail "$name: exit $rc, stdout $(head -c 80 "$T_TMP/out"), stderr $(cat "$T_TMP/err")"; fi
    continue
  fi
  if [ $rc -eq 0 ] && [ "$(sed -n 1p "$T_TMP/out")" = "$first" ] &&
     { [ "$second" = "-" ] && [ "$(wc -l < "$T_TMP/out")" -eq 1 ] || sed -n 2p "$T_TMP/out" | grep -q "^$second"; }; then
    pass "$name"
  else
    fail "$name: exit $rc, got $(head -c 200 "$T_TMP/out"), want $first / $second ($(cat "$T_TMP/err"))"
  fi
done < "$T_TMP/cases"
[ $ncases -ge 90 ] || fail "only $ncases cases from calc_oracle.py"

# ---- every key event's calc line reproduces its value ----
# calc_lines WHAT MIN JSON: run each line (split by Python's shlex) and compare.
REQ='_key$|_iv$|_secret$|_secret_[0-9]+$|_key_[0-9]+$|_iv_[0-9]+$|_public_key$|key_block'
# exempt: values read from a key log or the RSA key, and what finite-field DH
# (no calc operation) and wolfSSL's own key generation leave without inputs
EXEMPT='^from the key log|RSA-decrypted|Finite-field DH|^DH\(|generated inside wolfSSL|random number generator|extended master secret'
calc_lines() {
  if $PY "$TLSVIZ_SRC/tests/e2e/calc_lines.py" "$TLSVIZ" "$REQ" "$EXEMPT" "$2" < "$3" > "$T_TMP/lines"; then
    pass "$1: $(tail -1 "$T_TMP/lines")"
  else
    fail "$1: $(grep FAIL "$T_TMP/lines" | head -5)"
  fi
}
for keys in "$TLSVIZ_SRC"/captures/*.keys; do
  cap=${keys%.keys}.pcapng
  [ -f "$cap" ] || continue
  "$TLSVIZ" replay "$cap" --keylog "$keys" --json > "$T_TMP/replay.json" 2>/dev/null
  # TLS 1.3 captures: 4 keys and IVs per connection at least; TLS 1.2: the key block
  calc_lines "replay $(basename "$cap")" 4 "$T_TMP/replay.json"
done
"$TLSVIZ" replay "$TLSVIZ_SRC/captures/tls12-rsa-aes128gcm.pcapng" --rsa-key "$TLSVIZ_SRC/captures/rsa-server.key" \
  --json > "$T_TMP/replay.json" 2>/dev/null
calc_lines "replay static RSA with the server key: master secret and key block" 5 "$T_TMP/replay.json"
while read -r min args; do
  # shellcheck disable=SC2086 # args are words
  timeout 120 "$TLSVIZ" live --batch --json $args > "$T_TMP/live.json" 2>"$T_TMP/live.err" ||
    fail "live $args: exit $? ($(tail -1 "$T_TMP/live.err"))"
  calc_lines "live ${args:-(TLS 1.3, x25519)}" "$min" "$T_TMP/live.json"
done <<'LIVE'
40
40 --group secp256r1
40 --group secp521r1
40 --suite TLS13-AES256-GCM-SHA384
30 --group ffdhe2048
15 --tls 1.2
15 --tls 1.2 --group secp384r1
15 --tls 1.2 --suite ECDHE-RSA-AES128-SHA256
40 --scenario hrr
80 --scenario resumption
50 --scenario keyupdate
40 --scenario mtls
LIVE
"$TLSVIZ" live --batch --json --view eavesdropper > "$T_TMP/eve.json" 2>/dev/null
check "the eavesdropper view carries no calc line (their inputs are secrets)" \
  test "$(grep -c '"calc"' "$T_TMP/eve.json")" -eq 0 -a -s "$T_TMP/eve.json"
"$TLSVIZ" live --batch > "$T_TMP/live.txt" 2>/dev/null
check "batch text prints 'check: tlsviz calc' under the keys" \
  test "$(grep -c '^      check: tlsviz calc ' "$T_TMP/live.txt")" -ge 30

# ---- the command line ----
out=$("$TLSVIZ" calc --help); rc=$?
check "calc --help exits 0 and lists every operation" \
  test $rc -eq 0 -a -n "$(echo "$out" | grep -c '^  aead-open SUITE KEY IV SEQUENCE RECORD')"
"$TLSVIZ" calc > /dev/null 2> "$T_TMP/err"; rc=$?
check "calc with no operation: exit 2 and the usage on stderr" test $rc -eq 2 -a -n "$(grep -l 'Operations:' "$T_TMP/err")"
"$TLSVIZ" calc prf 00 x 00 > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
check "a missing argument: exit 2, one line, nothing on stdout" \
  test $rc -eq 2 -a ! -s "$T_TMP/out" -a "$(wc -l < "$T_TMP/err")" -eq 1
"$TLSVIZ" --help | grep -q '^  calc ' || fail "tlsviz --help does not list calc"
grep -q '^\.SH CALC' "$TLSVIZ_SRC/man/tlsviz.1" || fail "the man page has no CALC section"
nops=0
for op in $("$TLSVIZ" calc --help | sed -n 's/^  \([a-z][a-z0-9-]*\) [A-Z].*/\1/p'); do
  nops=$((nops + 1))
  grep -qF "\\fBtlsviz calc ${op//-/\\-}\\fR" "$TLSVIZ_SRC/man/tlsviz.1" || fail "the man page does not document calc $op"
done
check "tlsviz(1) documents all $nops operations of calc --help" test $nops -eq 8
done_tests
