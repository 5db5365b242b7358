#!/usr/bin/env bash
# TUI layouts: v cycles full -> presenter -> bytes; presenter has Stages and
# Explain large with Wire below, and tab brings Decoded or Keys to Wire's
# place; bytes has Wire across the whole width (more bytes a row) above
# Decoded, and n/p still pick the record Wire shows; + / - resize the focused
# pane, x hides it, X shows every pane; the choice survives a restart
# ($HOME/.config/tlsviz/tui.conf, written to a temporary name and renamed);
# --layout overrides it; a damaged file is said and does not stop the TUI.
# The Keys pane marks the keys a step added ("new").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout
trap 'tui_stop; rm -rf "$T_TMP"' EXIT
CAP=$TLSVIZ_SRC/captures
CONF=$T_TMP/.config/tlsviz/tui.conf
REPLAY="replay $CAP/tls13-aes128gcm.pcapng --keylog $CAP/tls13-aes128gcm.keys"

# box NAME: "row col width" of the pane titled NAME (its top border), or nothing.
box() {
  tui_screen | /usr/bin/python3 -c '
import re, sys
name = sys.argv[1]
for row, line in enumerate(sys.stdin.read().split("\n")):
    m = re.search(r"┌─\[? " + re.escape(name) + r" \]?", line)
    if m:
        end = line.index("┐", m.start())
        print(row, m.start(), end - m.start() + 1)
        break
' "$1"
}
# has_box NAME: the pane is on screen.
has_box() { [ -n "$(box "$1")" ]; }
# press KEY REGEX: press KEY and wait for the screen to match REGEX.
press() { tui_keys "$1"; wait_screen 5 "$2"; }

## ---- the default layout, then v through the others ----
tui_start "$REPLAY" || done_tests
for p in Stages Explain Decoded Wire Keys; do has_box "$p" || fail "full layout: no $p pane"; done
tui_status | grep -q 'layout' && fail "full layout: the status line names a layout" || pass "full layout: all five panes"

press v 'layout presenter' && pass "v: presenter layout (said on the status line)" || fail "v: $(tui_status)"
tui_settle
read -r sr sc sw <<< "$(box Stages)"; read -r er ec ew <<< "$(box Explain)"; read -r wr wc ww <<< "$(box Wire)"
if [ -n "${sw:-}" ] && [ -n "${ew:-}" ] && [ -n "${ww:-}" ] && [ "$ww" -eq 120 ] && [ "$wr" -gt 20 ] &&
   [ $((sw + ew)) -eq 120 ] && [ "$er" -eq 1 ]; then
  pass "presenter: Stages ($sw cols) and Explain ($ew cols) side by side, Wire below across all 120"
else
  fail "presenter geometry: Stages '$sr $sc $sw' Explain '$er $ec $ew' Wire '$wr $wc $ww'"; tui_screen >&2
fi
# the Explain pane of the full layout is 48 columns: presenter gives it more
[ "${ew:-0}" -gt 60 ] && pass "presenter: Explain is wider than in full (48)" || fail "presenter: Explain $ew columns"
has_box Decoded || has_box Keys && fail "presenter: Decoded or Keys shown beside Wire" || pass "presenter: Decoded and Keys not shown"
tui_keys Tab; tui_settle # Stages -> Decoded takes Wire's place
has_box Decoded && ! has_box Wire && pass "presenter: tab brings Decoded to Wire's place" || { fail "presenter tab"; tui_screen >&2; }
tui_focus Keys && ! has_box Decoded && pass "presenter: tab again brings Keys" || fail "presenter: Keys by tab"

press v 'layout bytes' && pass "v: bytes layout" || fail "v again: $(tui_status)"
tui_settle
read -r wr wc ww <<< "$(box Wire)"; read -r dr dc dw <<< "$(box Decoded)"
if [ "${ww:-0}" -eq 120 ] && [ "${dw:-0}" -eq 120 ] && [ "${dr:-0}" -gt "${wr:-99}" ] && ! has_box Stages; then
  pass "bytes: Wire above Decoded, both across the width"
else
  fail "bytes geometry: Wire '$wr $wc $ww' Decoded '$dr $dc $dw'"; tui_screen >&2
fi
# no Stages pane: p / n still pick the stage's record for Wire
tui_goto_stage 3 10 || fail "p/n in the bytes layout"
tui_settle
if tui_screen | grep -q 'record #0 s2c handshake' && tui_screen | grep -Eq '^│0000( [0-9a-f]{2}){24} '; then
  pass "bytes: stage 3's ServerHello record, 24 bytes a row at 120 columns (16 in full)"
else
  fail "bytes: Wire does not show stage 3's record 24 bytes a row"; tui_screen >&2
fi

## ---- resize and hide, saved ----
tui_focus Wire || fail "focus Wire"
read -r dr0 _ <<< "$(box Decoded)"
tui_keys + + ; tui_settle
read -r dr1 _ <<< "$(box Decoded)"
[ "${dr1:-0}" -gt "${dr0:-99}" ] && pass "+ grows the focused Wire (Decoded starts at row $dr0, then $dr1)" ||
  fail "+ did not grow Wire ($dr0 -> $dr1)"
tui_keys -; tui_settle
read -r dr2 _ <<< "$(box Decoded)"
[ "${dr2:-0}" -lt "$dr1" ] && pass "- shrinks it again" || fail "- did not shrink Wire ($dr1 -> $dr2)"
tui_keys x; tui_settle
! has_box Wire && has_box Decoded && pass "x hides the focused pane" || fail "x"
tui_keys x; tui_settle
has_box Decoded && tui_match 'last pane shown stays' && pass "x never hides the last pane" || fail "x on the last pane"
tui_keys X; tui_settle
has_box Wire && has_box Decoded && pass "X shows every pane again" || fail "X"
read -r dr_saved _ <<< "$(box Decoded)"
if [ -f "$CONF" ] && grep -q '^layout bytes$' "$CONF" && [ "$(stat -c %a "$CONF")" = 644 ] &&
   [ -z "$(ls "$(dirname "$CONF")" | grep -v '^tui.conf$')" ]; then
  pass "the layout is saved to ~/.config/tlsviz/tui.conf (no temporary file left)"
else
  fail "layout file: $(ls -la "$(dirname "$CONF")" 2>&1)"
fi
tui_keys q; tui_stop

tui_start "$REPLAY" || done_tests
tui_settle
read -r dr_again _ <<< "$(box Decoded)"
tui_status | grep -q 'layout bytes' && [ "${dr_again:-0}" = "$dr_saved" ] &&
  pass "a restart keeps the layout and the sizes (Decoded at row $dr_again)" || fail "restart: $(tui_status), Decoded at $dr_again not $dr_saved"
tui_keys q; tui_stop

tui_start "$REPLAY --layout full" || done_tests
tui_settle
! tui_status | grep -q 'layout' && has_box Keys && pass "--layout full overrides the saved layout" || fail "--layout full: $(tui_status)"
tui_keys q; tui_stop

printf 'layout nosuch\nfull 1 2\n' > "$CONF"
tui_start "$REPLAY" || done_tests
tui_settle
tui_match 'no layout called .nosuch.' && has_box Keys && pass "a damaged layout file is said; the full layout is used" ||
  { fail "damaged layout file"; tui_screen >&2; }
tui_keys q; tui_stop
"$TLSVIZ" --layout nosuch > /dev/null 2> "$T_TMP/err"; rc=$?
check "--layout nosuch: exit 2 naming the layouts" test $rc -eq 2 -a -n "$(grep 'full, presenter, bytes' "$T_TMP/err")"

## ---- the Keys pane marks what a step added ----
rm -f "$CONF"
tui_start live || done_tests
wait_screen 20 'HELD before: #1' || fail "live: the TCP handshake not held"
tui_keys n; wait_screen 10 'HELD before: #2' || fail "live: no stage 2"
tui_keys n; wait_screen 10 'HELD before: #3' || fail "live: no stage 3"
tui_keys n; wait_screen 10 'HELD before: #4' || fail "live: no stage 4"
tui_settle
kt=$(tui_pane_text Keys)
if echo "$kt" | grep -q 'server_handshake_traffic_secret .*  new$' && echo "$kt" | grep -q '^ *= HKDF-Expand-Label'; then
  pass "Keys: the server flight's keys are marked new, with their formulas"
else
  fail "Keys: no 'new' mark on the server's keys: $(echo "$kt" | grep '●' | head -5)"
fi
tui_keys n; wait_screen 10 'HELD before: #5' || fail "live: no stage 5"
tui_settle
kt=$(tui_pane_text Keys)
echo "$kt" | grep -q 'server_handshake_traffic_secret .*  new$' && fail "Keys: stage 3's keys still new a step later" ||
  pass "Keys: the mark lasts until the next step"
tui_keys q; tui_stop
done_tests
