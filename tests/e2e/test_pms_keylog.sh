#!/usr/bin/env bash
# PMS_CLIENT_RANDOM key log lines of every length a TLS 1.2 premaster secret
# has: x25519 (32 bytes), P-521 (66) and ffdhe2048 (256). A live session is
# shown and written (`live --batch --json -w`); its premaster secret and
# client random become the only key (the capture's own secrets are removed
# with editcap), and the replay must equal tshark's decode with that key log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oracle_lib.sh"
need tshark editcap jq

# case NAME ARGS...: a TLS 1.2 live session with ARGS.
case_pms() {
  local n=$1 cr pms len; shift
  timeout 60 "$TLSVIZ" live --tls 1.2 --batch --json -w "$T_TMP/$n.pcapng" "$@" >"$T_TMP/$n.jsonl" 2>"$T_TMP/$n.err" ||
    { fail "$n: live $*: $(tail -2 "$T_TMP/$n.err")"; return; }
  cr=$(jq -r 'select(.type=="handshake" and .msg=="client_hello") | .fields[] | select(.name=="random") | .value' \
    "$T_TMP/$n.jsonl" | head -1)
  pms=$(jq -r 'select(.type=="key" and .name=="premaster_secret") | .value' "$T_TMP/$n.jsonl" | head -1)
  len=$((${#pms} / 2))
  [ ${#cr} -eq 64 ] && [ "$len" -gt 0 ] || { fail "$n: no client random or premaster secret"; return; }
  editcap --discard-all-secrets "$T_TMP/$n.pcapng" "$T_TMP/$n-bare.pcapng" >/dev/null 2>&1 ||
    { fail "$n: editcap"; return; }
  printf 'PMS_CLIENT_RANDOM %s %s\n' "$cr" "$pms" >"$T_TMP/$n.keys"
  timeout 60 "$TLSVIZ" replay "$T_TMP/$n-bare.pcapng" --keylog "$T_TMP/$n.keys" --batch --json \
    >"$T_TMP/$n.replay.jsonl" 2>"$T_TMP/$n.replay.err" ||
    { fail "$n: replay: $(tail -2 "$T_TMP/$n.replay.err")"; return; }
  check "$n: every record decrypts with a $len-byte PMS_CLIENT_RANDOM" \
    jq -s -e '[.[] | select(.type=="record" and .encrypted and (.decrypted | not))] | length == 0' \
    "$T_TMP/$n.replay.jsonl"
  oracle_tshark "$T_TMP/$n-bare.pcapng" keylog "$T_TMP/$n.keys" >"$T_TMP/$n.want"
  oracle_tlsviz_json "$T_TMP/$n.replay.jsonl" >"$T_TMP/$n.got"
  if grep -q ' app ' "$T_TMP/$n.want" && diff -q "$T_TMP/$n.want" "$T_TMP/$n.got" >/dev/null; then
    pass "$n: messages, alerts and plaintext equal tshark's with the same key log"
  else
    diff "$T_TMP/$n.want" "$T_TMP/$n.got" | cut -c1-200 | head -20 >&2
    fail "$n: tlsviz and tshark differ (or tshark decrypted nothing)"
  fi
}

case_pms x25519 --group x25519
case_pms p521 --group secp521r1
case_pms ffdhe2048 --suite DHE-RSA-AES128-GCM-SHA256 --group ffdhe2048
done_tests
