#!/usr/bin/env bash
# TUI keys the other TUI tests do not drive: p/b (look back while held), z
# (zoom and back), tab (focus moves), / (hex search), N (next hit), c (run to
# the end), and the mouse (a click selects a pane).
. "$(dirname "$0")/lib.sh"
need tmux
sock=tlsviz-keys-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T_TMP"' EXIT
screen() { tm capture-pane -p -t t; }
status() { screen | head -1; }
# until SECONDS PATTERN: wait for the screen to match
until_screen() { wait_for "$1" bash -c "tmux -L $sock capture-pane -p -t t | grep -q -- \"\$0\"" "$2"; }

tm new-session -d -s t -x 120 -y 40 "env TERM=screen LANG=C.UTF-8 $TLSVIZ live --capture tap; sleep 30"
until_screen 10 'stage 1 of' || fail "TUI did not start: $(screen | head -3)"
for i in 1 2 3 4; do tm send-keys -t t n; sleep 0.5; done
until_screen 5 'stage 4 of' || fail "n did not advance to stage 4: $(status)"
tm send-keys -t t p; until_screen 3 'stage 3 of' && pass "p looks back one stage" || fail "p: $(status)"
tm send-keys -t t b; until_screen 3 'stage 2 of' && pass "b looks back again" || fail "b: $(status)"
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
