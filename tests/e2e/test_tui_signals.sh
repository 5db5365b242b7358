#!/usr/bin/env bash
# The terminal is restored on every exit path of the TUI: SIGTERM, SIGINT
# (Ctrl-C typed into the terminal) and a crash (SIGSEGV, SIGABRT). After each,
# the shell prompt answers and `stty -g` equals what it was before tlsviz ran.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout

SOCK="tlsviz-test-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.5; rm -rf "$T_TMP"' EXIT

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t tv 2>/dev/null; }
on_screen() { screen | grep -Eq -- "$1"; }

# The pid of tlsviz running under the tmux shell, or "".
tui_pid() {
	local sh
	sh=$(tm display-message -p -t tv '#{pane_pid}')
	pgrep -P "$sh" | head -1
}

tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
	"env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
wait_for 5 on_screen '^\$' || fail "shell prompt in tmux"
tm send-keys -t tv "stty -g > stty.before" Enter

n=0
for how in TERM INT SEGV ABRT; do
	n=$((n + 1))
	tm send-keys -t tv "clear; $TLSVIZ" Enter
	if ! wait_for 20 on_screen '^ tlsviz \| '; then
		fail "TUI did not start ($how)"
		screen >&2
		continue
	fi
	pid=$(tui_pid)
	if [ "$how" = INT ]; then
		tm send-keys -t tv C-c
	elif [ -n "$pid" ]; then
		kill -s "$how" "$pid"
	else
		fail "no tlsviz process found ($how)"
		continue
	fi
	wait_for 15 bash -c '! kill -0 "$0" 2>/dev/null' "$pid" || fail "tlsviz still running after SIG$how"
	tm send-keys -t tv "stty -g > stty.$how; echo DONE''$n" Enter
	if wait_for 10 on_screen "^DONE$n\$"; then pass "shell usable after SIG$how"; else fail "shell usable after SIG$how"; screen >&2; fi
	wait_for 5 test -s "$T_TMP/stty.$how"
	check "terminal settings restored after SIG$how" cmp -s "$T_TMP/stty.before" "$T_TMP/stty.$how"
	on_screen 'tlsviz \| (step|run)' && fail "TUI screen left behind after SIG$how"
done
done_tests
