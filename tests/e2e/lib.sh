# Helpers for shell tests that drive the real tlsviz binary (sourced).
# Environment from ctest: TLSVIZ (binary), TLSVIZ_SRC (source dir), TLSVIZ_BUILD.
set -u
: "${TLSVIZ:?run through ctest, or set TLSVIZ to the binary}"
: "${TLSVIZ_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
T_FAILS=0
T_PASSES=0

# fail MESSAGE: record a failure and go on.
fail() { echo "FAIL: $*" >&2; T_FAILS=$((T_FAILS + 1)); }
# pass MESSAGE: record a success.
pass() { echo "ok: $*"; T_PASSES=$((T_PASSES + 1)); }
# check DESCRIPTION COMMAND...: pass if the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# wait_for SECONDS COMMAND...: poll until the command succeeds; 1 on timeout.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.2; done
  return 1
}
# need TOOL...: a missing tool is a failure (install-deps installs them all).
need() { local t; for t in "$@"; do command -v "$t" >/dev/null || { fail "missing tool $t (run scripts/install-deps.sh)"; done_tests; }; done; }
# asan_build: TLSVIZ is built with AddressSanitizer (its memory figures and
# timings say nothing about the normal build's).
asan_build() { ldd "$TLSVIZ" 2>/dev/null | grep -q libasan || nm "$TLSVIZ" 2>/dev/null | grep -q ' __asan_init'; }
# tshark_http FILE ARGS...: tshark -r FILE ARGS with the live session's
# server port decoded as TLS carrying HTTP. The port is ephemeral, and
# tshark gives some ports in that range to other dissectors (a session on
# 5432 is read as PostgreSQL and shows no HTTP), so say what the port carries.
tshark_http() {
  local f=$1 port; shift
  port=$(tshark -r "$f" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e tcp.dstport -c 1 2>/dev/null)
  tshark -n -r "$f" ${port:+-d "tcp.port==$port,tls" -d "tls.port==$port,http"} "$@"
}
# done_tests: print the summary and exit non-zero if anything failed.
done_tests() {
  echo "$T_PASSES passed, $T_FAILS failed"
  [ "$T_FAILS" -eq 0 ] && [ "$T_PASSES" -gt 0 ]
  exit $?
}

# ---- the TUI in tmux: tui_start, then tui_screen / wait_screen / tui_keys ----
TUI_SOCK="tlsviz-tui-$$"
TUI_N=0
# tui_tm ARGS...: tmux on the test's own server.
tui_tm() { tmux -L "$TUI_SOCK" "$@"; }
# tui_start ARGS...: tlsviz ARGS in a fresh 120x40 window (a new tmux server
# each time: reusing a socket right after kill-server races); 1 if no status line.
tui_start() {
  tui_tm kill-server 2>/dev/null
  TUI_N=$((TUI_N + 1))
  TUI_SOCK="tlsviz-tui-$$-$TUI_N"
  tui_tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
    "env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 $TLSVIZ $*; sleep 60"
  wait_screen 20 '^ tlsviz \| ' || { fail "TUI did not start ($*)"; tui_screen >&2; return 1; }
}
# tui_stop: end the tmux server (and the TUI in it).
tui_stop() { tui_tm kill-server 2>/dev/null; }
# tui_screen: the visible text of the TUI's window.
tui_screen() { tui_tm capture-pane -p -t tv 2>/dev/null; }
# tui_keys KEY...: type keys (tmux send-keys names); no waiting.
tui_keys() { tui_tm send-keys -t tv "$@"; }
# tui_match REGEX: the screen has a line matching REGEX (ERE).
tui_match() { tui_screen | grep -Eq -- "$1"; }
# wait_screen SECONDS REGEX: poll until the screen matches; 1 on timeout.
wait_screen() { wait_for "$1" tui_match "$2"; }
# tui_status / tui_bottom: the status line / the bottom line.
tui_status() { tui_screen | head -1; }
tui_bottom() { tui_screen | tail -1; }
# tui_differs OLD: the status and bottom lines are no longer OLD.
tui_differs() { [ "$(tui_status; tui_bottom)" != "$1" ]; }
# tui_press KEY SECONDS: press KEY and wait until the status or bottom line changes; 1 on timeout.
tui_press() {
  local old
  old=$(tui_status; tui_bottom)
  tui_keys "$1"
  wait_for "$2" tui_differs "$old"
}
# tui_settle: wait until two screens in a row are equal (the UI redraws at most every 80 ms).
tui_settle() {
  local a b n=0
  a=$(tui_screen)
  while [ $n -lt 50 ]; do
    sleep 0.1
    b=$(tui_screen)
    [ "$a" = "$b" ] && return 0
    a=$b
    n=$((n + 1))
  done
  return 1
}
# tui_left / tui_right: the screen's left column (Stages, Explain) or right one
# (Decoded, Wire, Keys), by characters (the borders are multi-byte UTF-8).
tui_left() { local LC_ALL=C.UTF-8 l; tui_screen | while IFS= read -r l; do printf '%s\n' "${l:0:48}"; done; }
tui_right() { local LC_ALL=C.UTF-8 l; tui_screen | while IFS= read -r l; do printf '%s\n' "${l:48}"; done; }
# explain_head: the Explain pane's "Stage K of N: title" (its first paragraph, rows joined).
explain_head() {
  tui_left | sed -n '/Explain/,$p' | sed '1d' | sed -E 's/^│ ?//; s/ *│ *$//' | sed '/^$/q' | tr '\n' ' ' |
    sed -E 's/ +/ /g; s/ $//'
}
# tui_inner: the rows inside a zoomed pane (120x40: screen rows 3..38), borders cut.
tui_inner() { tui_screen | sed -n '3,38p' | sed -E 's/^[│|] ?//; s/ *[│|] *$//'; }
# tui_focus NAME: press tab until the pane NAME has the focus ("[ NAME ]"); 1 if it never does.
tui_focus() {
  local n
  for n in 1 2 3 4 5 6; do
    tui_match "\[ $1 \]" && return 0
    tui_keys Tab
    tui_settle
  done
  tui_match "\[ $1 \]"
}
# tui_pane_text NAME: the whole text of pane NAME (focused, zoomed, paged
# through with PgDn while its border says "more", or 8 pages), then the
# layout back with the focus on Stages.
tui_pane_text() {
  local n
  tui_focus "$1" || { fail "cannot focus the $1 pane"; return 1; }
  tui_keys z; tui_settle
  tui_keys g; tui_settle
  for n in 1 2 3 4 5 6 7 8; do
    tui_inner
    if [ "$1" = Explain ]; then tui_screen | sed -n 39p | grep -q 'more' || break; fi
    tui_keys NPage; tui_settle
  done
  tui_keys z; tui_settle
  tui_focus Stages
}
# tui_goto_stage K SECONDS: press p or n until the status line says "stage K of"; 1 on timeout.
tui_goto_stage() {
  local end=$((SECONDS + $2)) cur
  while [ $SECONDS -lt $end ]; do
    cur=$(tui_status | sed -En 's/.*stage ([0-9]+) of.*/\1/p')
    [ "$cur" = "$1" ] && return 0
    if [ -n "$cur" ] && [ "$cur" -gt "$1" ]; then tui_press p 5; else tui_press n 5; fi
  done
  return 1
}
