#!/usr/bin/env bash
# Bad input, end to end, through the real binary: a table of inputs that are
# wrong in a way test_bad_captures.sh and test_cli.sh do not already cover
# (pcapng block damage, key logs, RSA keys, permissions as an unprivileged
# user, unwritable outputs, a full output device, a port in use, a terminal
# too small). Each row: the exit status documented in tlsviz(1) (0 ok, 1 the
# session or output failed, 2 bad usage or unusable input), one clear message
# naming the problem, no crash (status < 124: no signal, no timeout), and no
# partial output file left behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need timeout setpriv tmux openssl

CAP=$TLSVIZ_SRC/captures
KEYS=$TLSVIZ_SRC/tests/data/keys
FX=$TLSVIZ_SRC/tests/data/wire/tls-get.pcap
T13=$CAP/tls13-aes128gcm
RSA=$CAP/tls12-rsa-aes128gcm
for f in "$FX" "$T13.pcapng" "$T13.keys" "$RSA.pcapng" "$CAP/rsa-server.key" \
	"$KEYS/test-only-rsa2048-other.key.pem" "$KEYS/test-only-rsa2048.encrypted.pem" "$KEYS/test-only-ec.key.pem"; do
	[ -s "$f" ] || { fail "fixture $f missing"; done_tests; }
done

# A world-traversable scratch dir for the runs as nobody (T_TMP is 0700).
PUB=$T_TMP/pub
mkdir -p "$PUB" && chmod 755 "$T_TMP" "$PUB"
AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
# the binary must be reachable by nobody for those rows to mean anything
"${AS_NOBODY[@]}" "$TLSVIZ" --version >/dev/null 2>&1 ||
	fail "nobody cannot run $TLSVIZ (rows run as nobody would prove nothing)"

le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }
shb() { le32 0x0A0D0D0A; le32 28; le32 0x1A2B3C4D; printf '\x01\x00\x00\x00'; le32 -1; le32 -1; le32 28; }
idb() { le32 1; le32 20; printf '\x01\x00\x00\x00'; le32 65535; le32 20; }

# row TAG WANT-EXIT WANT-REGEX [--stdout] [--in DIR] -- COMMAND...
# Runs the command; the exit status must be WANT-EXIT; WANT-REGEX must match
# the first stderr line (with --stdout: some line of stdout+stderr, for
# warnings that decoding goes on after). Error rows (exit != 0) must say it in
# at most two stderr lines (the message and a 'Try --help' hint). --in DIR:
# DIR must hold the same files afterwards (no partial output left behind).
row() {
	local tag=$1 want=$2 re=$3; shift 3
	local where=stderr dir="" before after rc
	while [ "$1" != "--" ]; do
		case $1 in --stdout) where=all ;; --in) dir=$2; shift ;; esac
		shift
	done
	shift
	[ -n "$dir" ] && before=$(ls -A "$dir")
	timeout 60 "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; rc=$?
	if [ $rc -ge 124 ]; then fail "$tag: crashed or hung (exit $rc): $(tail -n3 "$T_TMP/err")"; return; fi
	if [ $rc -ne "$want" ]; then fail "$tag: exit $rc, want $want: $(head -n2 "$T_TMP/err")"; return; fi
	if [ "$where" = stderr ]; then
		head -n1 "$T_TMP/err" | grep -Eq -- "$re" ||
			{ fail "$tag: first stderr line '$(head -n1 "$T_TMP/err")' lacks /$re/"; return; }
	else
		cat "$T_TMP/out" "$T_TMP/err" | grep -Eq -- "$re" ||
			{ fail "$tag: output lacks /$re/: $(tail -n2 "$T_TMP/out")"; return; }
	fi
	if [ "$want" -ne 0 ] && [ "$(grep -c . "$T_TMP/err")" -gt 2 ]; then
		fail "$tag: more than one message: $(cat "$T_TMP/err")"; return
	fi
	if [ -n "$dir" ]; then
		after=$(ls -A "$dir")
		[ "$before" = "$after" ] || { fail "$tag: files left behind in $dir: $after"; return; }
	fi
	pass "$tag: exit $rc: $(cat "$T_TMP/err" "$T_TMP/out" | grep -Em1 -- "$re" | cut -c1-150)"
}

# ---- capture files: pcapng block damage beyond test_bad_captures.sh ----
{ shb; idb; le32 6; le32 8; } >"$T_TMP/blk-short.pcapng"
row "pcapng block cut inside its header" 1 'blk-short.pcapng: damaged at offset 48, after frame 0: .*nothing readable follows' --stdout \
	-- "$TLSVIZ" replay "$T_TMP/blk-short.pcapng" --batch
{ shb; idb; le32 6; le32 4000; le32 0; le32 0; } >"$T_TMP/blk-long.pcapng"
row "pcapng block length past the end of the file" 1 'blk-long.pcapng: damaged at offset 48, after frame 0: .*nothing readable follows' --stdout \
	-- "$TLSVIZ" replay "$T_TMP/blk-long.pcapng" --batch
{ shb; le32 1; le32 20; printf '\x01\x00\x00\x00'; le32 65535; le32 24; } >"$T_TMP/trail.pcapng"
# (the interface block libpcap reads when opening: nothing can be shown)
row "pcapng trailing block length differs" 2 'trail.pcapng: .*block total length in header and trailer' \
	-- "$TLSVIZ" replay "$T_TMP/trail.pcapng" --batch
{ le32 0x0A0D0D0A; le32 28; le32 0x11223344; printf '\x01\x00\x00\x00'; le32 -1; le32 -1; le32 28; idb; } >"$T_TMP/bom.pcapng"
row "pcapng bad byte-order magic" 2 'bom.pcapng: .*byte-order magic' \
	-- "$TLSVIZ" replay "$T_TMP/bom.pcapng" --batch
{ le32 0x0A0D0D0A; le32 0x7ffffff0; le32 0x1A2B3C4D; printf '\x01\x00\x00\x00'; le32 -1; le32 -1; le32 28; } >"$T_TMP/shb.pcapng"
row "pcapng section header 2 GB long" 2 'shb.pcapng: .*(Section Header Block|length)' \
	-- "$TLSVIZ" replay "$T_TMP/shb.pcapng" --batch
head -c 3000 "$TLSVIZ" >"$T_TMP/elf.pcapng"
row "an executable given as capture" 2 'elf.pcapng: not a pcap or pcapng file \(starts with 7f 45 4c 46\)' \
	-- "$TLSVIZ" replay "$T_TMP/elf.pcapng" --batch

# ---- key logs ----
{ printf 'this is not a key log line\r\nCLIENT_RANDOM 00zz 11\n'; cat "$T13.keys"; } >"$T_TMP/junk.keys"
row "key log with junk lines warns and goes on" 0 'junk.keys:1: ' --stdout \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$T_TMP/junk.keys" --batch
grep -q 'junk.keys:2: ' "$T_TMP/out" "$T_TMP/err" && grep -q 'GET /' "$T_TMP/out" &&
	pass "junk key log: line 2 warned too, and the session still decrypts (GET visible)" ||
	fail "junk key log: missing line-2 warning or decrypted GET"
row "key log of another session" 0 'ciphertext only; no key for this client random' --stdout \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$CAP/tls13-chacha20.keys" --batch
grep -q 'GET /' "$T_TMP/out" && fail "another session's keys decrypted something" ||
	pass "another session's keys: nothing decrypted"
head -c 4096 "$TLSVIZ" >"$T_TMP/elf.keys"
row "binary garbage as key log" 0 'elf.keys:1: ' --stdout \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$T_TMP/elf.keys" --batch
row "missing key log" 2 "key log $T_TMP/none.keys: No such file" \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$T_TMP/none.keys" --batch
row "directory as key log" 2 "key log $T_TMP: not a regular file" \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$T_TMP" --batch

# ---- RSA keys ----
row "RSA key that does not match" 0 'ciphertext only; the RSA key does not match this session' --stdout \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$KEYS/test-only-rsa2048-other.key.pem" --batch
row "encrypted PEM without password" 2 'test-only-rsa2048.encrypted.pem: .*encrypted' \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$KEYS/test-only-rsa2048.encrypted.pem" --batch
row "EC key given as RSA key" 2 'test-only-ec.key.pem: .*not RSA' \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$KEYS/test-only-ec.key.pem" --batch
head -c 3000 "$TLSVIZ" >"$T_TMP/elf.pem"
row "garbage as RSA key" 2 'elf.pem: not a private key' \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$T_TMP/elf.pem" --batch
row "missing RSA key" 2 "RSA key $T_TMP/none.pem: No such file" \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$T_TMP/none.pem" --batch
row "directory as RSA key" 2 "RSA key $T_TMP: .*directory" \
	-- "$TLSVIZ" replay "$RSA.pcapng" --rsa-key "$T_TMP" --batch

# ---- permissions, as an unprivileged user (root reads anything) ----
cp "$T13.pcapng" "$PUB/locked.pcapng" && chmod 000 "$PUB/locked.pcapng"
row "unreadable capture (nobody)" 2 'locked.pcapng: cannot open: Permission denied' \
	-- "${AS_NOBODY[@]}" "$TLSVIZ" replay "$PUB/locked.pcapng" --batch
cp "$T13.pcapng" "$PUB/open.pcapng" && chmod 644 "$PUB/open.pcapng"
cp "$T13.keys" "$PUB/locked.keys" && chmod 000 "$PUB/locked.keys"
row "unreadable key log (nobody)" 2 'locked.keys: Permission denied' \
	-- "${AS_NOBODY[@]}" "$TLSVIZ" replay "$PUB/open.pcapng" --keylog "$PUB/locked.keys" --batch
cp "$CAP/rsa-server.key" "$PUB/locked.key" && chmod 000 "$PUB/locked.key"
row "unreadable RSA key (nobody)" 2 'locked.key: Permission denied' \
	-- "${AS_NOBODY[@]}" "$TLSVIZ" replay "$PUB/open.pcapng" --rsa-key "$PUB/locked.key" --batch

# ---- outputs that cannot be written ----
row "record -w into /proc" 2 '/proc/x.pcapng.*(cannot create|No such file)|cannot create.*/proc/x.pcapng' \
	-- "$TLSVIZ" record -w /proc/x.pcapng
compgen -G '/proc/x.pcapng*' >/dev/null && fail "record -w left /proc/x.pcapng* behind" ||
	pass "record -w into /proc left nothing"
mkdir "$PUB/rootonly" && chmod 755 "$PUB/rootonly"
row "record -w into a root-owned directory (nobody)" 2 'rootonly/x.pcapng: .*Permission denied' --in "$PUB/rootonly" \
	-- "${AS_NOBODY[@]}" "$TLSVIZ" record -w "$PUB/rootonly/x.pcapng"
row "record -w onto a directory" 2 "$PUB/rootonly:? is a directory" --in "$PUB/rootonly" \
	-- "$TLSVIZ" record -w "$PUB/rootonly"
row "export-plaintext into a root-owned directory (nobody)" 2 'export-plaintext: .*rootonly' --in "$PUB/rootonly" \
	-- "${AS_NOBODY[@]}" "$TLSVIZ" replay "$PUB/open.pcapng" --export-plaintext "$PUB/rootonly" --batch
: >"$T_TMP/plainfile"
row "export-plaintext onto a regular file" 2 'export-plaintext: .*plainfile' \
	-- "$TLSVIZ" replay "$T13.pcapng" --keylog "$T13.keys" --export-plaintext "$T_TMP/plainfile" --batch
[ ! -s "$T_TMP/plainfile" ] && pass "export-plaintext left the regular file alone" ||
	fail "export-plaintext wrote into $T_TMP/plainfile"
row "text output to a full device" 1 'writing text output failed' \
	-- bash -c '"$0" replay "$1" --keylog "$2" --batch >/dev/full' "$TLSVIZ" "$T13.pcapng" "$T13.keys"
row "JSON output to a full device" 1 'writing JSON output failed' \
	-- bash -c '"$0" replay "$1" --keylog "$2" --batch --json >/dev/full' "$TLSVIZ" "$T13.pcapng" "$T13.keys"

# ---- usage ----
row "unknown scenario" 2 "--scenario: unknown scenario 'nope' \\(one of: tls13" \
	-- "$TLSVIZ" live --batch --scenario nope
row "port not a number" 2 "'abc' is not a port number" -- "$TLSVIZ" live --batch --port abc
row "port 0" 2 "'0' is not a port number" -- "$TLSVIZ" live --batch --port 0
row "negative port" 2 "'-1' is not a port number" -- "$TLSVIZ" live --batch --port -1
# A port in use on the host's loopback (pcap capture runs there, not in a
# private namespace): the bind error names the address.
P=$((20000 + RANDOM % 20000))
openssl s_server -quiet -accept "127.0.0.1:$P" -cert "$CAP/rsa-server.crt" -key "$CAP/rsa-server.key" \
	>/dev/null 2>&1 &
SPID=$!
if wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$P" 2>/dev/null; then
	row "port already in use" 2 "cannot bind 127.0.0.1:$P: Address already in use" \
		-- "$TLSVIZ" live --batch --port "$P" --capture pcap
else
	fail "could not occupy port $P with openssl s_server"
fi
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null

# ---- a terminal too small: the TUI says so instead of drawing garbage ----
SOCK="tlsviz-bad-$$"
tmux -L "$SOCK" -f /dev/null new-session -d -s tv -x 60 -y 20 -c "$T_TMP" \
	"env TERM=screen LANG=C.UTF-8 $TLSVIZ replay $T13.pcapng --keylog $T13.keys; echo EXIT=\$? >$T_TMP/tui.rc; sleep 30"
small() { tmux -L "$SOCK" capture-pane -p -t tv 2>/dev/null | grep -q 'enlarge the terminal to at least 80x24'; }
if wait_for 15 small; then
	pass "60x20 terminal: the TUI asks to enlarge it to 80x24"
	tmux -L "$SOCK" send-keys -t tv q
	if wait_for 10 test -s "$T_TMP/tui.rc" && grep -q '^EXIT=0$' "$T_TMP/tui.rc"; then
		pass "q quits the too-small TUI with exit 0"
	else
		fail "too-small TUI: q did not quit with 0 ($(cat "$T_TMP/tui.rc" 2>/dev/null))"
	fi
else
	fail "60x20 terminal: no enlarge message: $(tmux -L "$SOCK" capture-pane -p -t tv | head -5)"
fi
tmux -L "$SOCK" kill-server 2>/dev/null

done_tests
