#!/usr/bin/env bash
# A capture that dropped a packet must not hold back what follows until the
# connection ends. Simulated without touching the network: tlsviz record
# makes one TLS 1.3 connection and editcap deletes the client's second data
# segment (its Finished) from the file, as a capture that lost it would.
# The server's next segment ACKs past the hole, so the missing bytes will
# never be captured: from there on the decoder must report the gap and go on
# with the client's request. Checked in the JSON Lines' order (which is the
# order the TUI gets events in): the gap, then the request, both before the
# server's response; not everything at the FIN. Replay only: a live session
# uses the same reassembly (wire/reasm.c) but there is no clean way here to
# make libpcap drop one packet (no sch_netem, no iptables/nft).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need editcap timeout

ONE=$T_TMP/one.pcapng
timeout 60 "$TLSVIZ" record -w "$ONE" >/dev/null 2>&1
[ -s "$ONE" ] || { fail "tlsviz record made no capture"; done_tests; }
"$TLSVIZ" replay "$ONE" --batch --json >"$T_TMP/full.json" || fail "replay of the whole capture"

# the client's data segments: frame, payload length
mapfile -t segs < <(grep '"type":"packet"' "$T_TMP/full.json" | grep '"dir":"c2s"' | grep -v '"payload_len":0' |
  sed -E 's/.*"frame":([0-9]+).*"payload_len":([0-9]+).*/\1 \2/')
[ "${#segs[@]}" -ge 3 ] || { fail "want 3 client data segments (hello, finished, request), got ${#segs[@]}"; done_tests; }
read -r frame missing <<<"${segs[1]}"
editcap "$ONE" "$T_TMP/drop.pcapng" "$frame" >/dev/null 2>&1 || { fail "editcap could not delete frame $frame"; done_tests; }
"$TLSVIZ" replay "$T_TMP/drop.pcapng" --batch --json >"$T_TMP/drop.json"
rc=$?
[ $rc -le 1 ] && pass "replay with frame $frame ($missing bytes) deleted exits $rc" || fail "replay exit $rc"

# seq_of PATTERN...: the seq of the first line matching all grep patterns
seq_of() {
  local l
  l=$(grep -- "$1" "$T_TMP/drop.json")
  shift
  while [ $# -gt 0 ]; do l=$(grep -- "$1" <<<"$l"); shift; done
  head -1 <<<"$l" | sed -En 's/.*"seq":([0-9]+).*/\1/p'
}
gap=$(seq_of '"type":"gap"' '"dir":"c2s"' "\"missing\":$missing")
req=$(seq_of '"type":"app_data"' '"dir":"c2s"')
resp=$(seq_of '"type":"app_data"' '"dir":"s2c"')
fin=$(seq_of '"type":"packet"' '"dir":"c2s"' '"tcp_flags":17')
echo "event seq: gap ${gap:-none}, request ${req:-none}, response ${resp:-none}, client FIN ${fin:-none}"
[ -n "$gap" ] && pass "the $missing missing client bytes are reported as a gap" || fail "no c2s gap of $missing bytes"
[ -n "$req" ] && [ -n "$resp" ] || { fail "request or response not decrypted"; done_tests; }
[ -n "$gap" ] && [ "$gap" -lt "$resp" ] && pass "the gap is reported before the server's response" ||
  fail "the gap (seq $gap) comes after the server's response (seq $resp): held until the connection ended (FIN seq $fin)"
[ "$req" -lt "$resp" ] && pass "the client's request is decoded before the server's response, as captured" ||
  fail "the client's request (seq $req) is decoded after the server's response (seq $resp): everything after the hole waited for the FIN (seq $fin)"

done_tests
