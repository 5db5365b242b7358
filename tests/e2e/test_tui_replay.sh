#!/usr/bin/env bash
# The TUI in replay mode: a capture with two connections opens the connection
# picker; each connection shows its own flights and version; with the key log
# the insider view shows the decrypted request, the eavesdropper view does not;
# without a key log nothing decrypts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout mergecap

SOCK="tlsviz-test-$$"
NSOCK=0
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; sleep 0.5; rm -rf "$T_TMP"' EXIT
CAP=$TLSVIZ_SRC/captures

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t tv 2>/dev/null; }
on_screen() { screen | grep -Eq -- "$1"; }
keys() { tm send-keys -t tv "$@"; sleep 0.3; }

# run_tui ARGS...: tlsviz in a fresh 120x40 tmux window (locale and
# extra environment from T_LANG / T_ENV).
run_tui() {
	# a fresh tmux server each time: reusing a socket right after kill-server races
	tm kill-server 2>/dev/null
	NSOCK=$((NSOCK + 1))
	SOCK="tlsviz-test-$$-$NSOCK"
	sleep 0.3
	tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
		"env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=${T_LANG:-C.UTF-8} ${T_ENV:-} $TLSVIZ $*; sleep 30"
	wait_for 20 on_screen '^ tlsviz \| replay' || { fail "TUI did not start (replay $*)"; screen >&2; return 1; }
}

## two connections, with keys
if run_tui replay "$CAP/multi-interleaved.pcapng" --keylog "$CAP/multi-interleaved.keys"; then
	wait_for 10 on_screen 'Connections' && pass "picker opens for a capture with two connections" || fail "connection picker"
	on_screen '127\.0\.0\.1:50020' && on_screen '127\.0\.0\.1:50021' && pass "picker lists both connections" || fail "picker lists both"
	keys Enter
	on_screen 'TLS 1\.3 TLS_AES_128_GCM_SHA256' && pass "connection 1: TLS 1.3 and its suite" || { fail "connection 1 status"; screen | head -1 >&2; }
	keys g
	on_screen 'ClientHello' && on_screen 'ServerHello' && pass "connection 1 flights named" || fail "connection 1 flights"
	keys / 'GET /hello' Enter
	on_screen 'GET /hello\.txt' && pass "insider view shows the decrypted request" || { fail "insider request"; screen >&2; }
	keys e
	on_screen 'GET /hello' && fail "eavesdropper view shows decrypted data" || pass "eavesdropper view hides the request"
	keys e C j Enter
	on_screen 'TLS 1\.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' && pass "connection 2: TLS 1.2 and its suite" || { fail "connection 2 status"; screen | head -1 >&2; }
	keys g
	on_screen 'server_key_exchange' && on_screen 'ServerHello, Certificate' && pass "connection 2 flights named (TLS 1.2 server flight)" || fail "connection 2 flights"
	keys q
fi

## no key log: nothing decrypts
if run_tui replay "$CAP/tls13-aes128gcm.pcapng"; then
	keys / '17 03 03' Enter
	on_screen '\(encrypted; no key\)' && pass "without keys the record stays encrypted" || { fail "no-key record"; screen >&2; }
	on_screen 'decrypted fragment' && fail "decrypted without keys?!" || pass "no decrypted fragment without keys"
	# L loads a key log; r re-reads the capture with it
	keys L
	keys "$CAP/tls13-aes128gcm.keys" Enter
	on_screen 'entries added' && pass "L loads a key log" || { fail "L key log"; screen | tail -1 >&2; }
	keys r
	sleep 1
	keys / '17 03 03' Enter
	on_screen 'decrypted fragment' && pass "after L and r the records decrypt" || { fail "L then r decrypts"; screen >&2; }
	keys q
fi
## non-UTF-8 locale and NO_COLOR: ASCII line drawing, same content
if T_LANG=C T_ENV="NO_COLOR=1" run_tui replay "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys"; then
	keys g
	on_screen '^\+-\[ Stages \]-' && pass "C locale: ASCII borders" || { fail "C locale borders"; screen >&2; }
	screen | grep -q '─' && fail "C locale: UTF-8 line drawing used" || pass "C locale: no UTF-8 line drawing"
	on_screen '\|- 2 ClientHello -+> ' && pass "C locale: ASCII ladder arrows" || fail "C locale ladder arrows"
	keys q
fi
## the connection table: a row per connection, sorted by any column with o, reversed with O
mergecap -w "$T_TMP/two.pcapng" "$CAP/tls13-aes128gcm.pcapng" "$CAP/tls13-keyupdate.pcapng" 2>/dev/null
cat "$CAP/tls13-aes128gcm.keys" "$CAP/tls13-keyupdate.keys" > "$T_TMP/two.keys"
if run_tui replay "$T_TMP/two.pcapng" --keylog "$T_TMP/two.keys"; then
	wait_for 10 on_screen 'Connections \(enter' || fail "table: the picker did not open"
	# row 1: 50000, 5.8 ms; row 2: 50009, the KeyUpdate session of 2 s
	first_row() { screen | grep -E '^.*#[12] ' | head -1; }
	first_row | grep -Eq '#1 +127\.0\.0\.1:50000 +localhost +TLS 1\.3 +TLS_AES_128_GCM_SHA256 .* yes ' &&
		pass "connection table: server name, version, suite, decrypted per row" || fail "table row: $(first_row)"
	on_screen 'conn↑ +client +server name' && pass "the table's header marks the sort column" ||
		fail "header: $(screen | grep -m1 'client')"
	keys o o o o o o o o o
	on_screen 'sorted by duration' && on_screen ' ms↓ ' && on_screen 'columns [0-9]+-10 of 11' &&
		first_row | grep -Eq '#2 .* 2004\.[0-9] ' &&
		pass "o sorts the table: by duration the 2 s KeyUpdate session first" || fail "sort: $(first_row)"
	keys O
	on_screen 'sorted by duration, reversed' && first_row | grep -Eq '#1 .* 5\.8 ' &&
		pass "O reverses the sort: the shorter session first" || fail "reverse: $(first_row)"
	keys o
	on_screen 'sorted by JA4' && first_row | grep -Eq ' t13d[0-9]{4}00_[0-9a-f]{12}_[0-9a-f]{12}' &&
		pass "o reaches the last column, JA4" || fail "JA4 column: $(first_row)"
	keys o
	on_screen 'sorted by order seen' && first_row | grep -Eq '#1 ' || fail "o wraps round to the order seen"
	keys Left Left Left Left Left Left Left Left Left Left
	first_row | grep -Eq '#1 +127\.0\.0\.1:50000 +localhost ' && on_screen 'columns 2-[0-9]+ of 11' &&
		pass "left scrolls back to the first columns" || fail "scroll left: $(first_row)"
	keys f 'duration > x'
	on_screen 'column 12: a number was expected' && pass "f: a filter that does not parse is said while typed" ||
		fail "filter prompt: $(screen | tail -1)"
	keys C-u 'duration > 100' Enter
	on_screen "1 of 1 matching 'duration > 100' \(of 2\)" && first_row | grep -q '#2 ' &&
		pass "f: the table shows the rows the filter matches" || fail "filter: $(screen | grep -E 'matching|#[12] ')"
	keys Enter
	wait_for 10 on_screen '^connection #2 ' && pass "enter opens the sorted table's row (#2)" || fail "open #2: $(screen | tail -1)"
	keys q
fi
## F: the conversation, as --follow prints it
if run_tui replay "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys"; then
	wait_for 20 on_screen 'indexed 100 %' || fail "follow: indexing did not finish"
	keys F
	on_screen 'client -> server, 44 bytes in 1 record  \[HTTP request: GET /hello.txt\]' &&
		on_screen 'Host: localhost\\r' && on_screen 'server -> client, 130 bytes' &&
		pass "F: the decrypted conversation, HTTP summarised, CR shown as \\r" || { fail "F"; screen >&2; }
	# / searches the conversation (as many lines as tshark's follow has with the text), n and N go on
	want=$(tshark -r "$CAP/tls13-aes128gcm.pcapng" -o "tls.keylog_file:$CAP/tls13-aes128gcm.keys" -q \
		-z follow,tls,ascii,0 2>/dev/null | grep -ci 'http/1')
	tm send-keys -t tv / h t t p / 1 Enter
	wait_for 5 on_screen "match 1 of $want for 'http/1'" && pass "F /: match 1 of $want (tshark's follow has $want lines)" ||
		fail "F /: $(screen | tail -1)"
	tm send-keys -t tv n
	wait_for 5 on_screen "match 2 of $want for 'http/1' \(n" && on_screen 'HTTP/1\.0 200 ok' &&
		pass "F n: the next match, the response line on screen" || fail "F n: $(screen | tail -1)"
	tm send-keys -t tv n
	wait_for 5 on_screen "match 1 of $want for 'http/1', search wrapped" && pass "F n past the last: wraps round" ||
		fail "F n wrap: $(screen | tail -1)"
	tm send-keys -t tv N
	wait_for 5 on_screen "match $want of $want for 'http/1', search wrapped" && pass "F N: the previous, wrapping back" ||
		fail "F N: $(screen | tail -1)"
	tm send-keys -t tv / S _ S E R V E R Enter
	wait_for 5 on_screen "match 1 of 1 for 'S_SERVER'" && on_screen 'served by openssl s_server -WWW' &&
		pass "F /: case ignored, the server's later turn found" || fail "F / s_server: $(screen | tail -1)"
	tm send-keys -t tv / z z q Enter
	wait_for 5 on_screen "'zzq' not found in the conversation" && pass "F /: a missing text is said" ||
		fail "F / missing: $(screen | tail -1)"
	keys F e F
	on_screen 'An eavesdropper sees no plaintext' && ! on_screen 'GET /hello' &&
		pass "F in the eavesdropper view: no plaintext" || fail "F eavesdropper"
	keys F q
fi
timeout 60 "$TLSVIZ" record -w "$T_TMP/bulk.pcapng" --body-bytes 300000 > /dev/null 2>&1
if run_tui replay "$T_TMP/bulk.pcapng"; then
	wait_for 20 on_screen 'indexed 100 %' || fail "bulk: indexing did not finish"
	keys F G
	on_screen 'server -> client: [0-9]+ more records, [0-9]+ bytes, folded \(batch --follow 1 shows them\)' && pass "F: folded bulk records are counted and the way to see them said" ||
		{ fail "F on bulk data"; screen >&2; }
	keys F q
fi
## the seed's story: static RSA with only the server's key
if run_tui replay "$CAP/tls12-rsa-aes128gcm.pcapng" --rsa-key "$CAP/rsa-server.key"; then
	wait_for 20 on_screen 'indexed 100 %' || fail "static RSA replay: indexing did not finish"
	keys G
	on_screen 'static RSA key transport' && pass "static RSA: the Keys pane says why there is no key pair" ||
		{ fail "static RSA key pair text"; screen >&2; }
	on_screen 'RSA-decrypted from the ClientKeyExchange' && pass "static RSA: premaster recovered with the key" ||
		fail "static RSA premaster"
	keys q
fi
if run_tui replay "$CAP/tls12-ecdhe-aes128gcm.pcapng" --keylog "$CAP/tls12-ecdhe-aes128gcm.keys"; then
	wait_for 20 on_screen 'indexed 100 %' || fail "ECDHE replay: indexing did not finish"
	keys G
	on_screen 'never the ephemeral' && pass "ECDHE replay: the Keys pane says a capture holds no key pairs" ||
		{ fail "ECDHE key pair text"; screen >&2; }
	keys q
fi
## post-quantum: the Keys pane names the keys a capture cannot hold, and the
## Decoded pane splits the client's hybrid share
if run_tui replay "$CAP/tls13-x25519mlkem768.pcapng" --keylog "$CAP/tls13-x25519mlkem768.keys"; then
	wait_for 20 on_screen 'indexed 100 %' || fail "X25519MLKEM768 replay: indexing did not finish"
	on_screen 'X25519MLKEM768' && pass "X25519MLKEM768 replay: the status line names the group" ||
		fail "X25519MLKEM768 status line"
	on_screen 'ML-KEM decapsulation key' && on_screen 'shared secret cannot be shown' &&
		pass "X25519MLKEM768 replay: the Keys pane says the shared secret is not in a capture" ||
		{ fail "X25519MLKEM768 Keys pane text"; screen >&2; }
	# stage 2, its client_hello row, then the Decoded pane zoomed at its end (key_share is last but one)
	keys g
	keys n
	keys j
	keys j
	keys Tab
	keys z
	keys G
	wait_for 5 on_screen 'ML-KEM-768 encapsulation key' && on_screen 'X25519 share' &&
		pass "X25519MLKEM768 replay: the client's share is shown in its two parts" ||
		{ fail "X25519MLKEM768 parts in the Decoded pane"; screen >&2; }
	keys q
fi
done_tests
