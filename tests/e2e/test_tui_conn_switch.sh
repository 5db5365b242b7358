#!/usr/bin/env bash
# In replay the TUI keeps the events of the selected connection only and reads
# a connection picked with C again from the file (src/engine/conn_read.c).
# What the panes show must not depend on how the events came, checked on every
# ladder row (the whole 120x40 screen at each, frame numbers and the file name
# aside) of multi-interleaved.pcapng, whose two connections' packets
# interleave:
#  (a) connection 2, picked and read again, shows the same screens as a
#      capture holding only its packets (cut out by tshark) shows;
#  (b) connection 1 picked back shows the same screens as before connection 2
#      was picked, when its events came from the first reading of the file;
#  (c) the same for connection 1 as (a).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout tshark
trap 'tui_stop; rm -rf "$T_TMP"' EXIT
CAP=$TLSVIZ_SRC/captures
MI=$CAP/multi-interleaved.pcapng
KEYS=$CAP/multi-interleaved.keys

# screen_attrs: the screen with its attributes (the ladder's cursor row is
# reverse video; plain text would not show which row is selected).
screen_attrs() { tui_tm capture-pane -p -e -t tv 2>/dev/null; }
# norm: a screen without what differs between the files: the file name on
# the status line, frame numbers (and so the padding after them), the
# bottom line (messages).
norm() { sed -E '$d; 1s/\| replay file .*$//; s/frame [0-9]+/frame N/g; s/ +/ /g'; }
# rows: the screen at every row of the ladder, from the first row down until
# the cursor stops (the screen no longer changes); at most 300 rows.
rows() {
  local prev cur n
  tui_focus Stages
  tui_keys g; tui_settle
  prev=
  for n in $(seq 300); do
    cur=$(screen_attrs | norm)
    [ "$cur" = "$prev" ] && return 0
    printf '%s\n' "$cur"
    prev=$cur
    tui_keys j; tui_settle
  done
}
# picked K: pick the K-th connection in the picker (open with C unless open)
# and wait until it has been read again.
picked() {
  tui_match 'Connections \(enter' || tui_keys C
  wait_screen 5 'Connections \(enter' || { fail "no connection picker"; return 1; }
  tui_keys g
  local i
  for ((i = 1; i < $1; i++)); do tui_keys j; done
  tui_keys Enter
  wait_screen 10 "connection #$1 .*read again from the file in [0-9.]+ ms" ||
    { fail "connection #$1 was not read again: $(tui_bottom)"; return 1; }
  tui_settle
}
# same WHAT A B: files A and B are equal and not empty.
same() {
  if [ -s "$2" ] && cmp -s "$2" "$3"; then
    pass "$1 ($(grep -c 'tlsviz |' "$2") ladder rows)"
  else
    fail "$1"; diff "$2" "$3" | head -20 >&2
  fi
}

for k in 1 2; do
  port=$((50019 + k))
  timeout 30 tshark -r "$MI" -Y "tcp.port == $port" -w "$T_TMP/only$k.pcapng" 2>/dev/null
  [ -s "$T_TMP/only$k.pcapng" ] || { fail "tshark did not cut out connection $k"; done_tests; }
done

# the two connections on their own
for k in 1 2; do
  tui_start replay "$T_TMP/only$k.pcapng" --keylog "$KEYS" || done_tests
  wait_screen 20 'indexed 100 %' || fail "only$k: indexing did not finish"
  rows >"$T_TMP/alone$k"
  tui_keys q
done

tui_start replay "$MI" --keylog "$KEYS" || done_tests
wait_screen 20 'indexed 100 %' || fail "indexing did not finish"
# the picker opens once the file is read; connection 1 is shown as first read
wait_screen 5 'Connections \(enter' && tui_keys Escape
tui_settle
rows >"$T_TMP/first1"
picked 2 && rows >"$T_TMP/picked2"
picked 1 && rows >"$T_TMP/picked1"
tui_keys q

same "(a) connection 2 picked shows what a capture of it alone shows" "$T_TMP/alone2" "$T_TMP/picked2"
same "(b) connection 1 picked back shows what it showed as first read" "$T_TMP/first1" "$T_TMP/picked1"
same "(c) connection 1 picked shows what a capture of it alone shows" "$T_TMP/alone1" "$T_TMP/picked1"
# the screens are of the connection: its own flights differ from the other's
cmp -s "$T_TMP/picked1" "$T_TMP/picked2" && fail "connections 1 and 2 show the same screens" ||
  pass "connections 1 and 2 show different screens"
done_tests
