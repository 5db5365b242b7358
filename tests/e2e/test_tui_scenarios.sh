#!/usr/bin/env bash
# The TUI's scenario picker (S), driven in tmux on the real binary: it lists
# every scenario of `tlsviz --help`, esc closes it, enter restarts the live
# session with the picked one. hrr: the HelloRetryRequest reaches the ladder
# and the Explain pane shows the scenario's own paragraph. tamper: run to the
# end, select the record the attacker changed; the Wire pane marks the flipped
# byte (at 5 + length/2, the session's rule, from the Decoded pane's length)
# and says the authentication failed. The status line names the scenario.
. "$(dirname "$0")/lib.sh"
need tmux
sock=tlsviz-scen-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T_TMP"' EXIT
screen() { tm capture-pane -p -t t; }
status() { screen | head -1; }
# left / right: the left column (Stages, Explain) / the right one (Decoded, Wire, Keys)
# (by characters: the borders are multi-byte UTF-8, so not cut -c)
export LC_ALL=C.UTF-8
left() { local l; screen | while IFS= read -r l; do printf '%s\n' "${l:0:48}"; done; }
right() { local l; screen | while IFS= read -r l; do printf '%s\n' "${l:48}"; done; }
# until_screen SECONDS PATTERN: wait for the screen to match
until_screen() { wait_for "$1" bash -c "tmux -L $sock capture-pane -p -t t | grep -q -- \"\$0\"" "$2"; }

# the scenarios, as --help lists them (the picker must list the same, in order)
mapfile -t names < <("$TLSVIZ" --help | sed -n '/^Scenarios/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "${#names[@]}" -ge 10 ] || fail "--help lists ${#names[@]} scenarios"
idx() { local i; for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
# pick NAME FROM: open the picker (cursor on FROM, the current one) and move to NAME
pick() {
	local n=$(($(idx "$1") - $(idx "$2"))) k
	tm send-keys -t t S; sleep 0.4
	for ((k = 0; k < n; k++)); do tm send-keys -t t Down; done
	for ((k = 0; k > n; k--)); do tm send-keys -t t Up; done
	sleep 0.3
	tm send-keys -t t Enter
}

tm new-session -d -s t -x 120 -y 40 "env TERM=screen LANG=C.UTF-8 $TLSVIZ --capture tap; sleep 30"
until_screen 10 'stage 1 of' || fail "TUI did not start: $(screen | head -3)"
status | grep -q '| scenario tls13 |' && pass "status line: scenario tls13 by default" || fail "status: $(status)"

# S opens the picker with every scenario and its help line; esc closes it
tm send-keys -t t S
until_screen 3 'Scenarios (enter' && pass "S opens the scenario picker" || fail "S: no picker: $(screen | sed -n 12,16p)"
missing=""
for n in "${names[@]}"; do
	help=$("$TLSVIZ" --help | sed -n '/^Scenarios/,/^$/p' | awk -v n="$n" '$1 == n { $1 = ""; print substr($0, 2) }')
	screen | grep -qF -- "$n" || missing="$missing $n"
	screen | grep -qF -- "${help:0:40}" || missing="$missing $n(help)"
done
[ -z "$missing" ] && pass "the picker lists all ${#names[@]} scenarios with their help" || fail "picker lacks:$missing"
tm send-keys -t t Escape; sleep 0.4
screen | grep -q 'Scenarios (enter' && fail "esc did not close the picker" || pass "esc closes the picker"
status | grep -q '| scenario tls13 |' && pass "esc keeps the session" || fail "after esc: $(status)"

## ---- hrr ----
pick hrr tls13
until_screen 10 '| scenario hrr |' && pass "enter restarts with hrr (status line)" || fail "hrr: $(status)"
until_screen 5 'restarted\|scenario hrr:' || fail "no restart message: $(screen | tail -1)"
# step until the HelloRetryRequest stage and its message are in the ladder
# (ladder: the left column without the bottom line, which names held flights)
ladder() { left | sed '1d;$d'; }
for i in 1 2 3 4 5 6; do
	ladder | grep -q 'hello_retry_request (' && break
	tm send-keys -t t n; sleep 0.6
done
ladder | grep -q '◀─ [0-9]* HelloRetryRequest' && pass "hrr: HelloRetryRequest stage in the ladder" ||
	fail "hrr: no HelloRetryRequest stage: $(status) $(ladder | sed -n 1,14p)"
ladder | grep -q 'hello_retry_request (' && pass "hrr: hello_retry_request message in the ladder" ||
	fail "hrr: no hello_retry_request message: $(ladder | sed -n 1,20p)"
# look at that stage: the Explain pane shows the scenario's paragraph
for i in 1 2 3 4 5 6; do
	status | grep -q 'stage 3 of' && break
	if status | grep -Eq 'stage [4-9] of'; then tm send-keys -t t p; else tm send-keys -t t n; fi
	sleep 0.5
done
# (the next flight is held at its gate: the HelloRetryRequest stage is complete)
if wait_for 5 bash -c "tmux -L $sock capture-pane -p -t t | cut -c1-150 | grep -q 'Scenario hrr: the server asks for'"; then
	pass "hrr: Explain shows the scenario's paragraph"
else
	fail "hrr: Explain of the complete stage 3 while $(screen | tail -1 | cut -d- -f1): $(left | sed -n '/Explain/,$p' | sed -n 2,9p)"
fi
left | grep -q 'x25519' && pass "hrr: the paragraph names the group the server wants" || fail "hrr: no x25519 in Explain"

## ---- tamper ----
pick tamper hrr
until_screen 10 '| scenario tamper |' && pass "picker restarts with tamper (status line)" || fail "tamper: $(status)"
tm send-keys -t t c
until_screen 15 '^finished' || fail "tamper did not finish: $(screen | tail -1)"
# back to the HTTP request stage, then down the ladder to the record the attacker changed
for i in 1 2 3 4 5 6 7 8; do
	left | grep -q 'Scenario tamper: one byte' && break
	tm send-keys -t t p; sleep 0.4
done
left | grep -q 'Scenario tamper: one byte' && pass "tamper: Explain shows the scenario's paragraph" ||
	fail "tamper: Explain at $(status)"
for i in 1 2 3 4 5 6 7 8 9 10; do
	right | grep -q 'flipped in transit' && break
	tm send-keys -t t j; sleep 0.4
done
if right | grep -q 'flipped in transit @'; then
	pass "tamper: the Wire pane labels the flipped byte"
	len=$(right | sed -n 's/.*│ *length  \([0-9]*\) *│.*/\1/p' | head -1)
	at=$(right | sed -n 's/.*flipped in transit @\([0-9a-f]*\).*/\1/p' | head -1)
	[ -n "$len" ] && [ $((16#$at)) -eq $((5 + len / 2)) ] &&
		pass "tamper: flipped byte 0x$at = 5 + length $len / 2" || fail "tamper: flipped at '$at', length '$len'"
	right | grep -q 'AUTHENTICATION FAILED' && pass "tamper: the Wire pane says the authentication failed" ||
		fail "tamper: no AUTHENTICATION FAILED: $(right | sed -n 12,30p)"
	right | grep -q 'TAG FAILED' && pass "tamper: record heading says TAG FAILED" || fail "tamper: heading"
else
	fail "tamper: no 'flipped in transit' in the Wire pane: $(right | sed -n 12,30p)"
fi
status | grep -q '| scenario tamper |' && pass "status line still names tamper" || fail "status: $(status)"

tm send-keys -t t q
done_tests
