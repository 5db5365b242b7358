#!/usr/bin/env bash
# The TUI replaying a multi-MB capture (a 60 MB HTTPS download recorded by
# tlsviz record): the first flights appear and the file is indexed; bulk application data folds into one ladder row that
# expands into its records; a folded record, selected, is read back from the
# file and its bytes equal those of an independent full decode
# (tlsviz --batch --hex) and its length equals tshark's.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout tshark

SOCK="tlsviz-large-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.5; rm -rf "$T_TMP"' EXIT

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t tv 2>/dev/null; }
on_screen() { screen | grep -Eq -- "$1"; }
keys() { tm send-keys -t tv "$@"; sleep 0.3; }

F=$T_TMP/big.pcapng
K=$T_TMP/big.keys
timeout 120 "$TLSVIZ" record -w "$F" --keylog "$K" --body-bytes 60000000 >/dev/null 2>&1
[ -s "$F" ] && [ -s "$K" ] || { fail "tlsviz record made no 60 MB capture"; done_tests; }
[ "$(stat -c %s "$F")" -gt 50000000 ] && pass "a multi-MB capture to replay ($(stat -c %s "$F") bytes)" || fail "capture size"

tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
	"env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 $TLSVIZ replay $F --keylog $K; sleep 30"

# the first flights are on screen (whether before or after the file is read:
# with record decryption in hardware this file is read in a fraction of a
# second; test_soak_replay checks the progress bar beside the first flights
# on a capture that takes seconds to read)
wait_for 30 on_screen '─ [0-9]+ [A-Za-z]+' && pass "first flights on screen" ||
	{ fail "no flights on screen"; screen | head -3 >&2; }
wait_for 60 on_screen '^ tlsviz \| replay, indexed 100 %' && pass "indexing reaches 100 %" ||
	{ fail "indexing did not finish"; screen | head -1 >&2; }

# the server's bulk records fold into one row
on_screen 'application data: [0-9,]+ records' && pass "bulk application data folded into one ladder row" ||
	{ fail "no folded application data row"; screen >&2; }
keys g
for i in $(seq 80); do on_screen 'folded \(not kept' && break; keys j; done
on_screen 'folded \(not kept' && pass "the folded row is selectable (Decoded shows the run)" ||
	{ fail "could not select the folded row"; screen >&2; }
run_first=$(screen | grep -Eo 'records #[0-9]+ to #[0-9]+ s2c' | head -1)
keys Enter j
# (the record row is wider than the ladder at 120 columns: it ends "-> 1638…")
on_screen '#[0-9]+ application_data 16401 B -> 16' && pass "enter expands the run into its records" ||
	{ fail "run did not expand"; screen >&2; }
hdr=$(screen | grep -Eo 'record #[0-9]+ s2c application_data [0-9]+ B \(encrypted; decrypted below\)' | head -1)
n=$(grep -Eo '#[0-9]+' <<<"$hdr" | head -1 | tr -d '#')
[ -n "$n" ] && grep -q "records #$n to" <<<"$run_first" &&
	pass "selecting the first folded record (#$n) reads it back and decrypts it" ||
	{ fail "no record read back (header '$hdr', run '$run_first')"; screen >&2; }
on_screen 'plaintext  16384 bytes' && pass "read-back record shows its 16384 plaintext bytes" || fail "plaintext length"

# oracle 1: the same record from an independent full decode (--batch --hex):
# the (n+1)-th s2c record's first two hex lines
want=$("$TLSVIZ" replay "$F" --keylog "$K" --batch --hex 2>/dev/null |
	awk -v n="$n" '/^  record  s2c/ { k++; if (k == n + 1) { getline a; getline b; print a; print b; exit } }' |
	sed -E 's/^ *[0-9a-f]{4}  //')
got=$(screen | grep -Eo '(0000|0010) ([0-9a-f]{2} ){15}[0-9a-f]{2}' | head -2 | cut -c6-)
[ -n "$want" ] && [ "$(tr -s ' \n' ' ' <<<"$want")" = "$(tr -s ' \n' ' ' <<<"$got")" ] &&
	pass "record #$n bytes read back equal the full decode's ($(head -c 23 <<<"$got")...)" ||
	{ fail "record bytes differ: want '$want' got '$got'"; }

# oracle 2: tshark's record lengths of the server's side: record n is the
# same 16401-byte fragment the Wire pane shows (16406 B with the header)
len=$(grep -Eo 'application_data [0-9]+ B' <<<"$hdr" | grep -Eo '[0-9]+')
sp=$(tshark -r "$F" -Y 'tls.handshake.type == 2' -T fields -e tcp.srcport 2>/dev/null | head -1)
tl=$(tshark -r "$F" -Y "tcp.srcport == $sp && tls.record.length" -T fields -e tls.record.length 2>/dev/null |
	tr ',' '\n' | sed -n "$((n + 1))p")
[ -n "$tl" ] && [ "$len" = $((tl + 5)) ] && pass "tshark: server record #$n has a $tl-byte fragment, the Wire pane $len B" ||
	fail "tshark record #$n length '$tl' vs Wire pane '$len'"

keys q
sleep 0.5
on_screen 'tlsviz \|' && fail "q did not quit" || pass "q quits"
done_tests
