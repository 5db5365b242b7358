#!/usr/bin/env bash
# Damaged capture files keep everything before the damage (issue 13): copies
# of the reference captures with a block whose trailer disagrees, a file cut
# mid-block, or garbage over a block, at 25/50/75 % of the file; pcapng and
# classic pcap. The oracle is tshark: every frame tshark shows (it stops at
# the damage) tlsviz shows too, with the same timestamps; tlsviz then goes on
# at the next readable block and shows the rest; exactly one error names the
# offset, and the exit status is 1 (the replay failed; all readable shown).
# 99 damaged files, about 40 s.
. "$(dirname "$0")/lib.sh"
need tshark editcap jq /usr/bin/python3

C=$TLSVIZ_SRC/captures
DMG="/usr/bin/python3 $TLSVIZ_SRC/tests/e2e/damage.py"

# tshark_ts FILE: the timestamps (us) of the frames tshark reads.
tshark_ts() { tshark -r "$1" -T fields -e frame.time_epoch 2>/dev/null | sed 's/\.\([0-9]\{6\}\)[0-9]*$/\1/'; }

# one TAG ORIG KEYS KIND PCT: damage ORIG, replay it, compare.
one() {
  local tag=$1 orig=$2 keys=$3 kind=$4 pct=$5 f out rc info off before total ts_a n_a n_b nerr
  f=$T_TMP/$tag.${orig##*.}
  info=$($DMG "$orig" "$f" "$kind" "$pct") || { fail "$tag: damage.py failed"; return; }
  read -r off before <<<"$info"
  total=$(tshark_ts "$orig" | wc -l)
  out=$T_TMP/$tag.jsonl
  timeout 60 "$TLSVIZ" replay "$f" --keylog "$keys" --batch --json >"$out" 2>"$T_TMP/$tag.err"; rc=$?
  [ $rc -ge 124 ] && { fail "$tag: crashed or hung (exit $rc)"; return; }
  [ $rc -eq 1 ] || { fail "$tag: exit $rc, want 1: $(tail -2 "$T_TMP/$tag.err")"; return; }
  tshark_ts "$f" >"$T_TMP/$tag.a"
  jq -r 'select(.type=="packet") | .ts_us' "$out" >"$T_TMP/$tag.b"
  n_a=$(wc -l <"$T_TMP/$tag.a"); n_b=$(wc -l <"$T_TMP/$tag.b")
  [ "$n_a" -ge "$before" ] || { fail "$tag: tshark shows $n_a frames, fewer than the $before before the damage"; return; }
  head -n "$n_a" "$T_TMP/$tag.b" | cmp -s - "$T_TMP/$tag.a" ||
    { fail "$tag: the first $n_a frames differ from tshark's (tlsviz has $n_b)"; return; }
  nerr=$(jq -s "[.[] | select(.type==\"error\" and (.text | test(\"damaged at offset $off\")))] | length" "$out")
  [ "$nerr" -eq 1 ] ||
    { fail "$tag: want exactly one error naming offset $off, got: $(jq -c 'select(.type=="error") | .text' "$out")"; return; }
  # a lost record is not a tampered one: the records after it decrypt (the
  # decoder tries the next sequence numbers, and the next phase's keys)
  [ "$(jq -s '[.[] | select(.type=="record" and .auth_failed == true)] | length' "$out")" -eq 0 ] ||
    { fail "$tag: records after the damage fail authentication: $(jq -c 'select(.type=="error") | .text' "$out" | tail -1)"; return; }
  # every gap the decoder met is explained, with its size, in a stage (or, after
  # the last stage, in a note)
  for m in $(jq -r 'select(.type=="gap") | .missing' "$out"); do
    jq -s -e --arg m "The capture lacks $m byte" \
      'any(.[]; (.type=="stage" and .final and (.explain // [] | join("\n") | contains($m))) or
                (.type=="note" and (.text | contains($m))))' \
      "$out" >/dev/null || { fail "$tag: a $m-byte gap is not explained"; return; }
  done
  case $kind in
    cut) want=$before ;;
    *) want=$((total - 1)) ;; # the damaged packet is lost, everything after it is read again
  esac
  [ "$n_b" -eq "$want" ] || { fail "$tag: $n_b frames, want $want (total $total, $before before the damage)"; return; }
  pass "$tag: $n_a frames as tshark before offset $off, $n_b in all ($(jq -r 'select(.type=="error") | .text' "$out" | sed 's/.*: //' | cut -c1-60))"
}

n=0
for orig in "$C"/tls13-aes128gcm.pcapng "$C"/tls13-aes256gcm.pcapng "$C"/tls13-chacha20.pcapng \
  "$C"/tls13-hrr.pcapng "$C"/tls13-keyupdate.pcapng "$C"/tls13-mtls.pcapng "$C"/tls13-resumption.pcapng \
  "$C"/tls12-ecdhe-aes128gcm.pcapng "$C"/tls12-rsa-aes128gcm.pcapng "$C"/tls12-resumption.pcapng; do
  b=$(basename "$orig" .pcapng)
  for kind in trailer cut garbage; do
    for pct in 25 50 75; do
      one "$b-$kind-$pct" "$orig" "${orig%.pcapng}.keys" "$kind" "$pct"
      n=$((n + 1))
    done
  done
done
# classic pcap (editcap writes the same packets without DSBs)
for b in tls13-aes128gcm tls12-ecdhe-aes128gcm multi-interleaved; do
  editcap -F pcap "$C/$b.pcapng" "$T_TMP/$b.pcap" || { fail "editcap $b"; continue; }
  for kind in caplen garbage cut; do
    one "$b-pcap-$kind-50" "$T_TMP/$b.pcap" "$C/$b.keys" "$kind" 50
    n=$((n + 1))
  done
done
# the TUI opens a damaged file too, says where the damage is, and exits 1
# as batch does once the user quits
need tmux
$DMG "$C/tls13-mtls.pcapng" "$T_TMP/tui.pcapng" trailer 50 >/dev/null
TUI_SOCK="tlsviz-dmg-$$"
tui_tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
  "env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 $TLSVIZ replay $T_TMP/tui.pcapng --keylog $C/tls13-mtls.keys; echo \$? >$T_TMP/tui.rc; sleep 30"
if wait_screen 20 '^ tlsviz \| '; then
  tui_keys c
  wait_screen 20 '! .*tui\.pcapng: ' && pass "TUI: the damage is on screen" ||
    { fail "TUI: no damage note"; tui_screen >&2; }
  tui_keys q
  wait_for 10 test -s "$T_TMP/tui.rc" && [ "$(cat "$T_TMP/tui.rc")" = 1 ] && pass "TUI: exit status 1, as batch" ||
    fail "TUI: exit status '$(cat "$T_TMP/tui.rc" 2>/dev/null)', want 1"
else
  fail "TUI did not start on a damaged file"
fi
tui_stop
echo "$n damaged files"
done_tests
