#!/bin/bash
# The TUI's follow view (F) searched with /, n and N, on a capture of one
# connection carrying three HTTP/1.1 exchanges (curl fetching three files
# over one keep-alive connection from Python's http.server, made in a
# private network namespace and captured by dumpcap). The match counts are
# held against the lines of tshark's follow,tls,ascii holding the text; the
# current match is checked on screen (scrolled into view, drawn reversed),
# then n and N with wrap-around, Enter searching from the top line shown,
# Esc, C-u and Backspace in the prompt, and a text that is not there.
. "$(dirname "$0")/lib.sh"
need tmux tshark curl dumpcap unshare ip ss
PY=/usr/bin/python3
CAP=$TLSVIZ_SRC/captures
F=$T_TMP/keepalive.pcapng K=$T_TMP/keepalive.keys
www=$T_TMP/www
mkdir -p "$www"
for i in $(seq -w 1 30); do echo "first answer, line $i"; done > "$www/one.txt"
printf 'second answer\nit has two lines\n' > "$www/two.txt"
{ printf 'third answer\nThe Third Answer: xylophone-42 is in the last turn\nlong line: '
  printf '%.0s-' $(seq 1 200); printf ' far-right-marker at column 220\n'; } > "$www/three.txt"

ns=(unshare -n); [ "$(id -u)" -ne 0 ] && ns=(unshare -rn)
timeout 120 "${ns[@]}" bash -s -- "$T_TMP" "$www" "$CAP" "$TLSVIZ_SRC/tests/e2e" > "$T_TMP/make.log" 2>&1 <<'INNER' ||
set -u
out=$1 www=$2 cap=$3 e2e=$4
. "$e2e/probe_capture.sh"
ip link set lo up
probe_capture_start "$out/keepalive.pcapng" 'tcp port 4433' || { echo "dumpcap did not start capturing"; exit 1; }
# one connection, every request on it answered (HTTP/1.1 keep-alive) until the client closes
timeout 60 /usr/bin/python3 -c '
import http.server, ssl, sys, functools
www, crt, key, keys = sys.argv[1:5]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
ctx.keylog_filename = keys
srv = http.server.HTTPServer(("127.0.0.1", 4433), functools.partial(H, directory=www))
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.handle_request()
' "$www" "$cap/rsa-server.crt" "$cap/rsa-server.key" "$out/keepalive.keys" &
srv=$!
for i in $(seq 1 100); do ss -ltn | grep -q '127.0.0.1:4433 ' && break; sleep 0.05; done
timeout 30 curl -s --cacert "$cap/test-ca.crt" https://localhost:4433/one.txt https://localhost:4433/two.txt \
  https://localhost:4433/three.txt > "$out/curl.out" || echo "curl failed: $?"
wait $srv
probe_capture_stop "$out/keepalive.pcapng" || { echo "the last probe never came"; exit 1; }
INNER
  { fail "making the capture: $(tail -3 "$T_TMP/make.log")"; done_tests; }
cmp -s "$T_TMP/curl.out" <(cat "$www/one.txt" "$www/two.txt" "$www/three.txt") || fail "curl did not get the three files"
convs=$(tshark -r "$F" -q -z conv,tcp 2>/dev/null | grep -c '<->')
tshark -r "$F" -o "tls.keylog_file:$K" -q -z follow,tls,ascii,0 > "$T_TMP/follow.txt" 2>/dev/null
reqs=$(grep -c '^GET /' "$T_TMP/follow.txt")
[ "$convs" = 1 ] && [ "$reqs" = 3 ] && pass "the capture: one TCP connection, three requests on it (tshark)" ||
  { fail "the capture: $convs connections, $reqs requests"; done_tests; }
# tshark_count TEXT: the lines of tshark's follow holding TEXT (case ignored)
tshark_count() { grep -ciF -- "$1" "$T_TMP/follow.txt"; }
# bottom_is TEXT: the bottom line holds TEXT (a fixed string)
bottom_is() { tui_bottom | grep -qF -- "$1"; }
# on_screen TEXT: the screen holds TEXT (a fixed string)
on_screen() { tui_screen | grep -qF -- "$1"; }
# reversed TEXT: TEXT is on screen drawn reversed (SGR 7 just before it)
reversed() { tui_tm capture-pane -p -e -t tv | grep -qE -- $'\e\\[([0-9]+;)*7(;[0-9]+)*m'"$1"; }
# expect WHAT TEXT: wait for the bottom line to hold TEXT; pass WHAT, or fail with the bottom line
expect() { if wait_for 5 bottom_is "$2"; then pass "$1"; else fail "$1: the bottom line is '$(tui_bottom)'"; fi; }

tui_start replay "$F" --keylog "$K" || done_tests
wait_screen 20 'indexed 100 %|finished' || fail "the capture was not read to its end"
tui_keys F
wait_screen 5 'Conversation of connection #1' || { fail "F did not open the conversation"; tui_screen >&2; done_tests; }
check "F: the first turns on screen, the last one below them" \
  eval 'on_screen "[HTTP request: GET /one.txt]" && ! on_screen "xylophone-42"'

# a text of the last turn, typed in another case: found, scrolled into view, reversed
n=$(tshark_count xylophone)
tui_keys / X y l o P h o n e Enter
expect "/XyloPhone: match 1 of $n (tshark's follow has $n line)" "match 1 of $n for 'XyloPhone'"
check "the match's line is scrolled into view" on_screen 'The Third Answer: xylophone-42 is in the last turn'
check "the matched text is drawn reversed (in the capture's case, not as typed)" reversed xylophone
check "the first turn scrolled away" eval '! on_screen "first answer, line 01"'

# a match beyond the right edge: its line is drawn from further in, after an ellipsis
tui_keys / f a r - r i g h t Enter
expect "/far-right: match 1 of $(tshark_count far-right)" "match 1 of $(tshark_count far-right) for 'far-right'"
check "a match past the right edge is brought into view, reversed" reversed 'far-right'
tui_screen | grep -qE -- "[│|] (…|\\.\\.\\.)-+ far-right-marker at column 220" &&
  pass "the line brought in starts with an ellipsis" || { fail "no ellipsis before the match brought in"; tui_screen >&2; }

# a text of every response: g, then Enter searches from the top line; n, N go on and wrap round
n=$(tshark_count simplehttp)
[ "$n" = 3 ] || fail "tshark's follow has $n Server: SimpleHTTP lines, not 3"
tui_keys g / s i m p l e h t t p Enter
expect "/simplehttp from the top: match 1 of $n" "match 1 of $n for 'simplehttp' (n"
check "match 1: the first response on screen" on_screen 'first answer, line 01'
tui_keys n
expect "n: match 2 of $n" "match 2 of $n for 'simplehttp' (n"
check "match 2: the second response on screen" on_screen 'it has two lines'
tui_keys n
expect "n: match 3 of $n" "match 3 of $n for 'simplehttp' (n"
tui_keys n
expect "n past the last: back to the first, search wrapped" "match 1 of $n for 'simplehttp', search wrapped"
check "wrapped: the first response on screen again" on_screen 'first answer, line 01'
tui_keys N
expect "N before the first: the last, search wrapped" "match $n of $n for 'simplehttp', search wrapped"
tui_keys N
expect "N: the one before, not wrapped" "match $((n - 1)) of $n for 'simplehttp' (n"

# Enter searches forward from the top line shown: from the end, a text of the first turn wraps round
tui_keys G / l i n e Space 0 1 Enter
expect "G, then /line 01: from the top line shown, wrapped round to the first turn" \
  "match 1 of $(tshark_count 'line 01') for 'line 01', search wrapped"
# the prompt: Esc cancels (the query before it stays for n), C-u clears, Backspace deletes
tui_keys / a b c Escape
tui_keys n
expect "Esc cancels the prompt: n goes on with the query before it (the only match: wrapped)" \
  "match 1 of 1 for 'line 01', search wrapped"
tui_keys / t h r e e C-u i t Space h a s Space t w o x BSpace Enter
expect "C-u clears the prompt, Backspace deletes a character" "match 1 of $(tshark_count 'it has two') for 'it has two'"
tui_keys / z z q - a b s e n t Enter
expect "a text not in the conversation: not found" "'zzq-absent' not found"
# q closes the view; the main screen's n is the next stage again, not the search
tui_keys q
wait_for 5 eval '! on_screen "Conversation of connection"' && ! bottom_is "zzq-absent" &&
  pass "q closes the view and its search message" || fail "q: $(tui_bottom)"
tui_stop
done_tests
