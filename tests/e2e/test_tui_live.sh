#!/usr/bin/env bash
# The interactive TUI, driven in tmux like a user would: step through every
# stage of a live TLS 1.3 and TLS 1.2 session, check the panes (stage names,
# hex bytes, secrets appearing only after their stage, ciphertext hidden in
# the eavesdropper view and decrypted in the insider view), resizing, the help
# overlay, saving a capture that tshark decrypts with no options, and that
# quitting leaves a usable shell with the terminal settings restored.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux tshark timeout

SOCK="tlsviz-test-$$"
NSOCK=0
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.5; rm -rf "$T_TMP"' EXIT

tm() { tmux -L "$SOCK" "$@"; }
# screen: the visible text of the test window.
screen() { tm capture-pane -p -t tv 2>/dev/null; }
# on_screen REGEX: the window shows a line matching REGEX.
on_screen() { screen | grep -Eq -- "$1"; }
# keys KEY...: type keys and give the UI a moment to redraw.
keys() { tm send-keys -t tv "$@"; sleep 0.3; }
# held: the title of the flight waiting at its gate, or "".
held() { screen | sed -n 's/^HELD before: \(.*\) -- space.*/\1/p' | head -1; }

# start_shell: a plain shell in a 120x40 tmux window, cwd = T_TMP.
start_shell() {
	# a fresh tmux server each time: reusing a socket right after kill-server races
	tm kill-server 2>/dev/null
	NSOCK=$((NSOCK + 1))
	SOCK="tlsviz-test-$$-$NSOCK"
	tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
		"env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
	wait_for 5 on_screen '^\$' || fail "shell prompt in tmux"
	tm send-keys -t tv "stty -g > stty.before" Enter
}

# launch ARGS...: run tlsviz in the shell and wait for its status line.
launch() {
	tm send-keys -t tv "$TLSVIZ $*" Enter
	wait_for 20 on_screen '^ tlsviz \| ' || { fail "TUI did not start ($*)"; screen >&2; return 1; }
}

# held_any / held_changed OLD: wait conditions on the held flight.
held_any() { [ -n "$(held)" ]; }
held_changed() { [ "$(held)" != "$1" ]; }

# step_all: press space at every held flight until none is held any more;
# prints each held flight ("#index title") once.
step_all() {
	local h n=0
	while [ $n -lt 40 ] && wait_for 10 held_any; do
		h=$(held)
		echo "$h"
		tm send-keys -t tv space
		wait_for 10 held_changed "$h" || break
		n=$((n + 1))
	done
}

# keys_text: the whole Keys pane (zoomed, paged through), then unzoom.
keys_text() {
	local i
	keys Tab Tab Tab z g
	for i in 1 2 3 4 5 6 7 8; do screen; keys NPage; done
	keys z Tab Tab
}

# quit_ok: q leaves a usable shell with the terminal settings restored.
quit_ok() {
	keys q
	wait_for 10 on_screen '^\$ ?$' || fail "shell prompt after quitting"
	tm send-keys -t tv "stty -g > stty.after; echo ALI''VE" Enter
	if wait_for 5 on_screen '^ALIVE$'; then pass "shell usable after quitting"; else fail "shell usable after quitting"; screen >&2; fi
	wait_for 5 test -s "$T_TMP/stty.after"
	check "terminal settings restored (stty -g equal)" cmp -s "$T_TMP/stty.before" "$T_TMP/stty.after"
}

## ---- TLS 1.3, step mode ----
start_shell
launch || done_tests
wait_for 15 held_any || fail "a flight is held at start (step mode)"
on_screen 'step \| insider' && pass "status line: step mode, insider view" || fail "status line mode/view"
wait_for 5 on_screen 'stage [0-9]+ of [0-9]+' && pass "status line: stage n of N" || fail "status line stage n of N"

# before the server's flight, the handshake secrets do not exist yet
kt=$(keys_text)
echo "$kt" | grep -q 'key schedule as of stage 1' || fail "keys pane not read before the first stage: $(echo "$kt" | head -3)"
if echo "$kt" | grep -q 'client_handshake_traffic_secret'; then
	fail "client_handshake_traffic_secret listed before its stage"
else
	pass "client_handshake_traffic_secret not listed before its stage"
fi

titles=$(step_all)
echo "$titles" | sed 's/^/  stage: /'
for want in 'TCP handshake' 'ClientHello' 'ServerHello' 'Finished' 'HTTP request' 'HTTP response' 'close_notify'; do
	echo "$titles" | grep -q "$want" && pass "TLS 1.3 stage held and named: $want" || fail "TLS 1.3 stage not seen: $want"
done
wait_for 15 on_screen '^finished' || fail "session finishes after the last stage"
on_screen 'TLS 1\.3 TLS_' && pass "status line: version and suite" || fail "status line version/suite"

kt=$(keys_text)
if echo "$kt" | grep -q '● client_handshake_traffic_secret  \[.*\]  stage 3'; then
	pass "client_handshake_traffic_secret derived in stage 3 (the server's flight)"
else
	fail "client_handshake_traffic_secret derived after its stage"
fi
echo "$kt" | grep -Eq '^.{0,80}[0-9a-f]{32,}' && pass "keys pane shows hex values" || fail "keys pane hex values"
# each derived value comes with the command that recomputes it (the lines
# themselves are run and compared in test_calc.sh)
for op in 'x25519' 'hkdf-extract' 'hkdf-expand-label' 'public x25519'; do
	echo "$kt" | grep -q "\$ tlsviz calc $op [0-9a-f]" && pass "keys pane: a 'tlsviz calc $op' line" ||
		fail "keys pane has no 'tlsviz calc $op' line"
done

# hex bytes of a record: go to the first record (ClientHello)
keys g
for want in 'ClientHello' 'ServerHello'; do
	on_screen "$want" && pass "ladder shows $want" || fail "ladder shows $want"
done
keys / '16 03' Enter
on_screen '0000 16 03 0[0-4] ' && pass "wire pane shows the record bytes in hex" || { fail "wire hex"; screen >&2; }
on_screen 'content_type +22 \(handshake\)' && pass "decoded pane shows the record header" || fail "decoded pane record header"
keys j
on_screen 'client_hello|server_hello' && pass "ladder names the handshake message" || fail "ladder names the message"

# insider view: the decrypted HTTP request is visible
keys / 'HTTP/1.1' Enter
on_screen 'HTTP/1\.1' && pass "insider view shows decrypted HTTP/1.1" || { fail "insider view decrypted HTTP"; screen >&2; }
on_screen 'decrypted fragment' && pass "insider wire pane shows the decrypted fragment" || fail "insider decrypted fragment"
# eavesdropper view: ciphertext only, keys locked
keys e
on_screen 'eavesdropper' || fail "status line says eavesdropper"
on_screen 'HTTP/1\.1' && { fail "eavesdropper view must not show decrypted HTTP/1.1"; screen >&2; } || pass "eavesdropper view hides the plaintext"
on_screen 'traffic_secret|master_secret' && fail "eavesdropper view must not show secrets" || pass "eavesdropper view hides the keys"
on_screen 'An eavesdropper has no keys' && pass "keys pane: an eavesdropper has no keys" || fail "keys pane in eavesdropper view"
on_screen '\(encrypted\)' && pass "wire pane marks the record encrypted" || fail "wire pane encrypted"
keys e
on_screen 'HTTP/1\.1' && pass "back in insider view the plaintext shows again" || fail "insider view again"

# help overlay lists every key
keys '?'
for k in 'eavesdropper / insider' 'restart' 'save the capture' 'load a key log' 'zoom' 'quit'; do
	on_screen "$k" || fail "help lists: $k"
done
on_screen 'this help' && pass "help overlay" || fail "help overlay"
keys Escape

# resize
tm resize-window -t tv -x 80 -y 24; sleep 0.6
on_screen 'Stages' && on_screen 'Keys' && ! on_screen 'enlarge' && pass "80x24 draws all panes" || { fail "80x24 layout"; screen >&2; }
tm resize-window -t tv -x 60 -y 20; sleep 0.6
on_screen 'enlarge the terminal to at least 80x24' && pass "60x20 shows the enlarge message" || { fail "60x20 message"; screen >&2; }
tm resize-window -t tv -x 120 -y 40; sleep 0.6
on_screen 'Stages' && pass "back to 120x40" || fail "back to 120x40"

# save: s proposes a file in the current directory, Enter saves it; tshark
# decrypts the file with no options
keys s
wait_for 5 on_screen "save capture with keys as .*$T_TMP/tlsviz-" || fail "s: no prompt naming $T_TMP"
keys Enter
wait_for 10 on_screen 'saved [^ ]*\.pcapng'
name=$(screen | grep -o 'saved [^ ]*\.pcapng' | head -1 | cut -d' ' -f2)
if [ -n "$name" ] && [ "${name#"$T_TMP"/}" != "$name" ] && wait_for 5 test -s "$name"; then
	pass "s saved $name"
	if tshark_http "$name" -Y http 2>/dev/null | grep -q GET; then
		pass "tshark decrypts the saved capture without options (http GET)"
	else
		fail "tshark -r $name -Y http shows no GET"
		timeout 60 tshark -r "$name" 2>&1 | tail -20 >&2
	fi
else
	fail "s did not report a saved file"; screen >&2
fi
quit_ok

## ---- TLS 1.2, step mode ----
start_shell
launch live --tls 1.2 || done_tests
wait_for 15 held_any || fail "TLS 1.2: a flight is held at start"
kt=$(keys_text)
echo "$kt" | grep -q 'key schedule as of stage 1' || fail "TLS 1.2: keys pane not read at start"
echo "$kt" | grep -q 'master_secret' && fail "TLS 1.2: master_secret listed at start" || pass "TLS 1.2: no master_secret at start"
titles=$(step_all)
echo "$titles" | sed 's/^/  stage: /'
for want in 'ClientHello' 'ServerHello' 'ServerKeyExchange' 'ClientKeyExchange' 'Finished' 'HTTP request' 'HTTP response'; do
	echo "$titles" | grep -q "$want" && pass "TLS 1.2 stage held and named: $want" || fail "TLS 1.2 stage not seen: $want"
done
wait_for 15 on_screen '^finished' || fail "TLS 1.2 session finishes"
on_screen 'TLS 1\.2' && pass "status line: TLS 1.2" || fail "status line TLS 1.2"
kt=$(keys_text)
echo "$kt" | grep -q '● master_secret  \[' && pass "TLS 1.2: master_secret derived" || fail "TLS 1.2: master_secret derived"
echo "$kt" | grep -q 'key_block' && pass "TLS 1.2: key block shown" || fail "TLS 1.2: key block"
quit_ok

done_tests
