#!/usr/bin/env bash
# TUI keys the other TUI tests do not drive: p/b (look back while held), z
# (zoom and back), tab (focus moves), / (hex and text search, a hit in the
# decrypted fragment scrolled into view, a hit in a decoded field selecting
# it), N (the next hit, again and again), c (run to the end), PgDn (scrolls
# Explain from the Stages pane), and the mouse (a click selects a pane). Also:
# the held marker of stage 1 fits at 120 columns, and a Decoded value too long
# for its row ends with an ellipsis.
. "$(dirname "$0")/lib.sh"
need tmux
sock=tlsviz-keys-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T_TMP"' EXIT
screen() { tm capture-pane -p -t t; }
status() { screen | head -1; }
# right: the right column (Decoded, Wire, Keys), by characters (UTF-8 borders)
right() { local LC_ALL=C.UTF-8 l; screen | while IFS= read -r l; do printf '%s\n' "${l:48}"; done; }
# until SECONDS PATTERN: wait for the screen to match
until_screen() { wait_for "$1" bash -c "tmux -L $sock capture-pane -p -t t | grep -q -- \"\$0\"" "$2"; }

tm new-session -d -s t -x 120 -y 40 "env TERM=screen LANG=C.UTF-8 $TLSVIZ live --capture tap; sleep 30"
until_screen 10 'stage 1 of' || fail "TUI did not start: $(screen | head -3)"
screen | grep -Eq '─ 1 TCP handshake.*\(held\)' && pass "stage 1's ladder row shows its held marker" ||
  fail "stage 1 held marker: $(screen | grep -E '─ 1 ' | head -1)"
# each n lets the held flight go; the next one is announced (and shown) held
for i in 2 3 4 5; do
  tm send-keys -t t n
  until_screen 10 "HELD before: #$i " || fail "n did not hold stage $i: $(screen | tail -1)"
done
until_screen 5 'stage 5 of' || fail "the held stage 5 is not the one shown: $(status)"
tm send-keys -t t p; until_screen 3 'stage 4 of' && pass "p looks back one stage" || fail "p: $(status)"
tm send-keys -t t b; until_screen 3 'stage 3 of' && pass "b looks back again" || fail "b: $(status)"
screen | tail -1 | grep -q 'HELD before: #5' && pass "the session stays held while browsing" ||
  fail "held flight changed while browsing: $(screen | tail -1)"

# z: the focused pane takes the whole screen; z again restores the layout
tm send-keys -t t z; sleep 0.4
[ "$(screen | grep -c '┌')" -eq 1 ] && pass "z zooms one pane" || fail "z: $(screen | grep -c '┌') boxes"
tm send-keys -t t z; sleep 0.4
[ "$(screen | grep -o '┌' | wc -l)" -ge 5 ] && pass "z again restores the panes" || fail "z again: layout not restored"

# tab moves the focus marker [ name ] to the next pane
before=$(screen | grep -o '\[ [A-Za-z]* \]' | head -1)
tm send-keys -t t Tab; sleep 0.4
after=$(screen | grep -o '\[ [A-Za-z]* \]' | head -1)
[ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ] && pass "tab: focus $before -> $after" ||
  fail "tab did not move the focus ($before -> $after)"

# / searches hex; the bottom line says where it was found
tm send-keys -t t / '16 03' Enter
until_screen 3 'found at record' && pass "/ finds hex bytes" || fail "/ search: $(screen | tail -1)"
tm send-keys -t t / 'zzzz-not-there' Enter; sleep 0.4
screen | tail -1 | grep -qi 'not found' && pass "/ reports no match" || fail "/ no match: $(screen | tail -1)"

# c runs to the end: the last stage is reached and nothing is held
tm send-keys -t t c
until_screen 10 'stage 8 of 8\|stage 9 of 9' && pass "c runs the session to the end" || fail "c: $(status)"
screen | tail -1 | grep -q 'HELD' && fail "still held after c" || pass "nothing held after c"
until_screen 10 '^finished' || fail "c: the session did not finish: $(screen | tail -1)"

# a hit in the decrypted response is scrolled into the Wire pane's view
tm send-keys -t t / 'HTTP/1.1 200' Enter
until_screen 3 'found at record [0-9]*, decrypted byte' && pass "/ finds text in a decrypted fragment" ||
  fail "/ decrypted: $(screen | tail -1)"
right | grep -q '^│0000 .*HTTP/1\.1 200' && pass "the decrypted hit is scrolled into view" ||
  fail "decrypted hit not in view: $(right | sed -n 13,24p)"
# N goes on to the next hits (fields of the hellos, the request, the response) and wraps
tm send-keys -t t / 'HTTP/1.1' Enter; sleep 0.4
hits=$(screen | tail -1)
for i in 1 2 3 4 5; do
  old=$(screen | tail -1)
  tm send-keys -t t N
  wait_for 3 bash -c "[ \"\$(tmux -L $sock capture-pane -p -t t | tail -1)\" != \"\$0\" ]" "$old"
  hits="$hits
$(screen | tail -1)"
done
n=$(grep -c '^found' <<<"$hits"); d=$(grep '^found' <<<"$hits" | sort -u | wc -l)
# the request and the response (and any decoded field naming HTTP/1.1), in turn, then around again
[ "$n" -eq 6 ] && [ "$d" -ge 2 ] && [ "$(sed -n 1p <<<"$hits")" != "$(sed -n 2p <<<"$hits")" ] &&
  pass "N finds the next hit every time ($d different of 6)" || fail "N: $n hits, $d different: $hits"
# a hit in a decoded field selects it; a value too long for its row ends with an ellipsis
tm send-keys -t t / 'key_share_entry' Enter
until_screen 3 'found "key_share_entry" in client_hello' && pass "/ finds a decoded field" || fail "/ field: $(screen | tail -1)"
screen | grep -q '\[ Decoded \]' || fail "Decoded is not focused"
tm send-keys -t t j j j; sleep 0.4 # group, length, key_exchange
screen | grep -Eq 'key_exchange  [0-9a-f]{20,}…│' && pass "a long Decoded value ends with …" ||
  fail "no ellipsis: $(screen | grep 'key_exchange' | head -2)"

# PgDn with the Stages pane focused scrolls Explain (stage 3, the server flight, has more than a pane)
until_screen 5 'stage 9 of' || true
for i in $(seq 12); do
  k=$(status | sed -En 's/.*stage ([0-9]+) of.*/\1/p')
  [ "$k" = 3 ] && break
  if [ "${k:-0}" -gt 3 ]; then tm send-keys -t t p; else tm send-keys -t t n; fi
  sleep 0.3
done
status | grep -q 'stage 3 of' || fail "p did not reach stage 3: $(status)"
while ! screen | grep -q '\[ Stages \]'; do tm send-keys -t t Tab; sleep 0.2; done
until_screen 3 'more ↓' && pass "Explain marks that there is more" || fail "no 'more' mark on stage 3"
first=$(screen | sed -n '/Explain/,$p' | sed -n 2p)
tm send-keys -t t NPage; sleep 0.5
[ "$(screen | sed -n '/Explain/,$p' | sed -n 2p)" != "$first" ] && until_screen 2 'more ↑' &&
  pass "the first PgDn scrolls Explain" || fail "PgDn did not scroll Explain"
# a mouse click on the Keys pane focuses it (last: a click also stops following)
keys_row=$(screen | grep -n 'Keys' | head -1 | cut -d: -f1)
if [ -n "$keys_row" ]; then
  # X10 mouse report (TERM=screen's kmous): ESC [ M, then 32+button, 32+column, 32+row
  enc() { printf '\033[M%b%b%b' "$1" "\\$(printf '%03o' $((32 + $2)))" "\\$(printf '%03o' $((32 + $3)))"; }
  tm send-keys -t t -l "$(enc ' ' 70 $((keys_row + 2)))"; sleep 0.2 # press inside the pane
  tm send-keys -t t -l "$(enc '#' 70 $((keys_row + 2)))"; sleep 0.4 # release
  screen | grep -q '\[ Keys \]' && pass "a click focuses the pane under it" || fail "click: focus is $(screen | grep -o '\[ [A-Za-z]* \]' | head -1)"
else
  fail "no Keys pane on screen"
fi

tm send-keys -t t q
done_tests
