#!/bin/bash
# tlsviz report: the HTML page of every shipped capture rendered by a real
# browser (headless Chromium) to PNG and to its DOM: no console error, no
# request (the page is self-contained; its Content-Security-Policy forbids
# any fetch and the browser would say so), every handshake message and every
# key of the session on the page, the screenshot not blank; each page valid
# for HTML Tidy. A capture with markup in its server name and HTTP body
# shows it as text, never as elements. The eavesdropper page holds no key
# and no plaintext. live --report, and bad input.
. "$(dirname "$0")/lib.sh"
need chromium tidy jq
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
$PY -c 'import PIL' 2>/dev/null || { fail "python3-pil missing (run scripts/install-deps.sh)"; done_tests; }

# render HTML NAME: screenshot to $T_TMP/NAME.png and the DOM to $T_TMP/NAME.dom;
# 1 (and a failure) if the browser logged an error or a blocked request.
render() {
  local html=$1 name=$2 flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
    --user-data-dir="$T_TMP/chrome" --enable-logging=stderr --v=0)
  timeout 90 chromium "${flags[@]}" --window-size=1280,2400 --screenshot="$T_TMP/$name.png" "file://$html" \
    > /dev/null 2> "$T_TMP/$name.log" || { fail "$name: chromium --screenshot failed: $(tail -2 "$T_TMP/$name.log")"; return 1; }
  timeout 90 chromium "${flags[@]}" --dump-dom "file://$html" > "$T_TMP/$name.dom" 2>> "$T_TMP/$name.log" ||
    { fail "$name: chromium --dump-dom failed"; return 1; }
  # console messages and refused loads (dbus noise of a headless machine aside)
  if grep -E 'CONSOLE|Refused to|Failed to load|net::ERR|Uncaught' "$T_TMP/$name.log" > "$T_TMP/$name.bad"; then
    fail "$name: the browser said: $(head -3 "$T_TMP/$name.bad")"; return 1
  fi
  return 0
}
# not_blank PNG: more than 2 % of the pixels are not white, in at least 20 colours.
not_blank() {
  $PY - "$1" <<'PYEOF'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
px = list(im.getdata())
ink = sum(1 for p in px if p != (255, 255, 255))
colours = len(set(px))
print("%.1f%% ink, %d colours" % (100.0 * ink / len(px), colours))
sys.exit(0 if ink > 0.02 * len(px) and colours >= 20 else 1)
PYEOF
}
# tidy_ok HTML: HTML Tidy finds no error (warnings allowed).
tidy_ok() { tidy -errors -q "$1" > /dev/null 2> "$T_TMP/tidy.out"; [ $? -lt 2 ] || { cat "$T_TMP/tidy.out" >&2; return 1; }; }
# dom_text DOM: the page's text with whitespace squeezed (for phrase checks).
dom_has_all() { # JSON DOM WHAT: every handshake message and key value of JSON is in DOM
  local json=$1 dom=$2 what=$3 missing=0 n=0 m v
  for m in $(jq -r 'select(.type=="handshake") | .msg' "$json" | sort -u); do
    n=$((n + 1)); grep -qF "$m" "$dom" || { missing=$((missing + 1)); echo "  no message $m" >&2; }
  done
  for v in $(jq -r 'select(.type=="key") | .value' "$json" | sort -u); do
    n=$((n + 1)); grep -qF "$v" "$dom" || { missing=$((missing + 1)); echo "  no key value ${v:0:16}..." >&2; }
  done
  [ $n -gt 0 ] && [ $missing -eq 0 ] && pass "$what: all $n handshake messages and key values on the page" ||
    fail "$what: $missing of $n messages/keys missing"
}

ncap=0
for cap in "$CAP"/*.pcapng; do
  name=$(basename "$cap" .pcapng)
  keys=${cap%.pcapng}.keys
  args=()
  [ -f "$keys" ] && args=(--keylog "$keys")
  [ "$name" = tls12-rsa-aes128gcm ] && args=(--rsa-key "$CAP/rsa-server.key")
  out=$T_TMP/$name.html
  "$TLSVIZ" report "$cap" "${args[@]}" -o "$out" 2> "$T_TMP/err"; rc=$?
  # a damaged or undecryptable capture still gives a page (exit 1 says so)
  if [ $rc -gt 1 ] || [ ! -s "$out" ]; then fail "$name: report exit $rc: $(cat "$T_TMP/err")"; continue; fi
  ncap=$((ncap + 1))
  [ "$(stat -c %a "$out")" = 600 ] || fail "$name: the report is mode $(stat -c %a "$out"), not 0600"
  tidy_ok "$out" || fail "$name: HTML Tidy reports errors"
  grep -Eq '(src|href)="(https?:)?//|url\((https?:)?//' "$out" && fail "$name: the page refers to something outside it"
  render "$out" "$name" || continue
  ink=$(not_blank "$T_TMP/$name.png") && pass "$name: rendered without errors ($ink)" || fail "$name: blank screenshot ($ink)"
  "$TLSVIZ" replay "$cap" "${args[@]}" --json > "$T_TMP/$name.json" 2>/dev/null
  dom_has_all "$T_TMP/$name.json" "$T_TMP/$name.dom" "$name"
done
[ $ncap -ge 25 ] || fail "only $ncap captures gave a report"

## markup from the capture is text, never elements
gen=$T_TMP/gen; mkdir -p "$gen"
$PY "$TLSVIZ_SRC/scripts/gen-synthetic.py" "$gen" tls13-hostile-text > /dev/null || fail "gen-synthetic.py tls13-hostile-text"
"$TLSVIZ" report "$gen/tls13-hostile-text.pcapng" --keylog "$gen/tls13-hostile-text.keys" -o "$T_TMP/x.html" 2>/dev/null
tidy_ok "$T_TMP/x.html" || fail "hostile capture: HTML Tidy reports errors"
if render "$T_TMP/x.html" hostile; then
  n_script=$(grep -c '<script' "$T_TMP/hostile.dom"); n_img=$(grep -c '<img' "$T_TMP/hostile.dom")
  if [ "$n_script" -eq 0 ] && [ "$n_img" -eq 0 ] &&
     grep -qF "&lt;script&gt;alert('sni')&lt;/script&gt;.example" "$T_TMP/hostile.dom" &&
     grep -qF "&lt;script&gt;alert('body')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;" "$T_TMP/hostile.dom"; then
    pass "hostile capture: the <script> server name and HTTP body are shown as text (no script, no img element)"
  else
    fail "hostile capture: $n_script script and $n_img img elements, or the text is not there"
  fi
fi

## the eavesdropper page: no key, no plaintext
"$TLSVIZ" report "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys" --view eavesdropper \
  -o "$T_TMP/eve.html" 2>/dev/null
leaks=0
for v in $(jq -r 'select(.type=="key") | .value' "$T_TMP/tls13-aes128gcm.json"); do grep -qF "$v" "$T_TMP/eve.html" && leaks=$((leaks + 1)); done
if [ $leaks -eq 0 ] && ! grep -q 'GET /hello.txt\|Key schedule\|Decrypted fragment' "$T_TMP/eve.html" &&
   grep -q 'Eavesdropper view' "$T_TMP/eve.html" && grep -q 'ServerHello' "$T_TMP/eve.html"; then
  pass "eavesdropper page: the wire's messages, no key, no plaintext"
else
  fail "eavesdropper page: $leaks key values, or plaintext / key schedule on it"
fi

## live --report
( cd "$T_TMP" && timeout 120 "$TLSVIZ" live --report "$T_TMP/live.html" 2> "$T_TMP/live.err" ); rc=$?
if [ $rc -eq 0 ] && tidy_ok "$T_TMP/live.html" && grep -q 'Key schedule' "$T_TMP/live.html" &&
   grep -q '\$ tlsviz calc hkdf-expand-label' "$T_TMP/live.html" && render "$T_TMP/live.html" live; then
  pass "live --report: a valid page with the key schedule and its calc lines"
else
  fail "live --report: exit $rc ($(tail -1 "$T_TMP/live.err"))"
fi

## the TUI's R: the shown connection, as the view shows it
need tmux
trap 'tui_stop; rm -rf "$T_TMP"' EXIT
if tui_start replay "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys"; then
  wait_screen 20 'indexed 100 %' || fail "TUI replay: indexing did not finish"
  tui_keys R; wait_screen 5 'save an HTML report' || fail "R: no prompt"
  tui_keys C-u; tui_keys "$T_TMP/tui.html" Enter
  wait_screen 10 "saved $T_TMP/tui.html" || fail "R: $(tui_bottom)"
  tui_keys e R; wait_screen 5 'save an HTML report' && tui_keys C-u "$T_TMP/tui-eve.html" Enter
  wait_screen 10 "saved $T_TMP/tui-eve.html .eavesdropper view" || fail "R in the eavesdropper view: $(tui_bottom)"
  tui_stop
  if tidy_ok "$T_TMP/tui.html" && render "$T_TMP/tui.html" tui && grep -q 'client_hello' "$T_TMP/tui.dom" &&
     grep -qF "$(jq -r 'select(.type=="key") | .value' "$T_TMP/tls13-aes128gcm.json" | tail -1)" "$T_TMP/tui.dom" &&
     ! grep -q 'GET /hello.txt\|Key schedule' "$T_TMP/tui-eve.html" && grep -q 'Eavesdropper view' "$T_TMP/tui-eve.html"; then
    pass "TUI R: the connection's page with its keys; in the eavesdropper view, without"
  else
    fail "TUI R pages"
  fi
fi

## bad input: exit 2, one line, no file left behind
"$TLSVIZ" report /nonexistent.pcapng -o "$T_TMP/n.html" 2> "$T_TMP/err"; rc=$?
check "report of a missing file: exit 2, no page" test $rc -eq 2 -a ! -e "$T_TMP/n.html"
"$TLSVIZ" report "$CAP/tls13-aes128gcm.pcapng" 2> "$T_TMP/err"; rc=$?
check "report without -o: exit 2 saying so" test $rc -eq 2 -a -n "$(grep -- '-o OUT.html' "$T_TMP/err")"
"$TLSVIZ" report "$CAP/tls13-aes128gcm.pcapng" -o "$T_TMP/nodir/r.html" 2> "$T_TMP/err"; rc=$?
check "report into a missing folder: exit 2" test $rc -eq 2
[ -z "$(ls "$T_TMP" | grep '\.html\.')" ] || fail "a temporary report file was left: $(ls "$T_TMP" | grep '\.html\.')"
# each stage's time and round trip, as batch text says them (test_time.sh holds them against tshark)
"$TLSVIZ" report "$CAP/tls12-ecdhe-aes128gcm.pcapng" --keylog "$CAP/tls12-ecdhe-aes128gcm.keys" -o "$T_TMP/t12.html" 2>/dev/null
want=$("$TLSVIZ" replay "$CAP/tls12-ecdhe-aes128gcm.pcapng" --keylog "$CAP/tls12-ecdhe-aes128gcm.keys" --batch 2>/dev/null |
  sed -n 's/^  time    starts at \([0-9.]*\) s; \(round trip [0-9]*: the server answered .* after the client sent\)$/\1 \2/p')
got=$(grep -o '<p class="when">Starts [0-9.]* s after the connection.s first packet; round trip [0-9]*: the server answered [^<]* after the client sent' \
  "$T_TMP/t12.html" | sed 's/.*Starts \([0-9.]*\) s after [^;]*; /\1 /')
check "report: each server flight's start and round trip as batch text says ($(wc -l <<<"$want") of them)" \
  test -n "$want" -a "$got" = "$want" -a "$(wc -l <<<"$want")" -ge 3
done_tests
