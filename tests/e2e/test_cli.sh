#!/usr/bin/env bash
# The command line: help, version, bad input gives one clear line and exit 2,
# and every option --help lists is documented in the man page and README.
. "$(dirname "$0")/lib.sh"

out=$("$TLSVIZ" --help); rc=$?
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help lists live/replay/record" grep -q 'replay' <<<"$out"
"$TLSVIZ" --version | head -1 | grep -qE '^tlsviz [0-9]+\.[0-9]+\.[0-9]+$' && pass "--version" || fail "--version"
"$TLSVIZ" --version | sed -n 2p | grep -qE '^record decryption: (libgcrypt|wolfCrypt), AES in (hardware|software)' &&
  pass "--version names the record decryption library" || fail "--version line 2: $("$TLSVIZ" --version | sed -n 2p)"

# Every long option in --help is in the man page and the README.
for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$out" | sort -u); do
  grep -q -- "$(sed 's/-/\\\\-/g' <<<"$o")" "$TLSVIZ_SRC/man/tlsviz.1" || fail "man page lacks $o"
  grep -q -- "$o" "$TLSVIZ_SRC/README.md" || fail "README lacks $o"
done
pass "options documented"

# Every TUI key (--help-keys, generated from the binding table) is in the man page and README.
keys=$("$TLSVIZ" --help-keys) || fail "--help-keys failed"
[ "$(wc -l <<<"$keys")" -ge 15 ] || fail "--help-keys lists too few keys"
while IFS= read -r line; do
  name=$(cut -c3-18 <<<"$line" | sed 's/ *$//')
  grep -qF ".B \"$(sed 's/-/\\-/g' <<<"$name")\"" "$TLSVIZ_SRC/man/tlsviz.1" || fail "man page lacks key '$name'"
  grep -qF "| \`$name\` |" "$TLSVIZ_SRC/README.md" || fail "README lacks key '$name'"
done <<<"$keys"
pass "TUI keys documented"

# bad_usage DESCRIPTION EXPECTED-TEXT ARGS...: exit 2, one line naming the problem, no crash.
bad_usage() {
  local d=$1 want=$2; shift 2
  local err rc
  err=$("$TLSVIZ" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne 2 ]; then fail "$d: exit $rc, want 2 ($err)"; return; fi
  grep -q -- "$want" <<<"$err" || { fail "$d: message '$err' lacks '$want'"; return; }
  pass "$d"
}
bad_usage "unknown option" "unknown option '--frobnicate'" --frobnicate
bad_usage "unknown command" "unknown command 'explode'" explode
bad_usage "missing value" "needs a value" live --port
bad_usage "bad port" "not a port number" live --batch --port 70000
bad_usage "bad tls version" "not a supported version" live --batch --tls 1.1
bad_usage "bad capture mode" "not auto, pcap, netns or tap" live --batch --capture wifi
bad_usage "option for another command" "does not apply" replay x.pcap --body-bytes 3
bad_usage "replay without file" "needs a capture FILE" replay --batch
bad_usage "record without -w" "needs -w FILE" record
bad_usage "extra argument" "unexpected argument" live --batch extra
bad_usage "missing capture file" "$T_TMP/nope.pcap" replay "$T_TMP/nope.pcap" --batch
mkdir "$T_TMP/dir"
bad_usage "directory as capture" "$T_TMP/dir" replay "$T_TMP/dir" --batch
bad_usage "unreadable cert" "$T_TMP/missing.pem" live --batch --cert "$T_TMP/missing.pem" --key "$T_TMP/missing.pem" --ca "$T_TMP/missing.pem"
bad_usage "suite of the wrong version" "TLS13-AES128-GCM-SHA256" live --batch --tls 1.2 --suite TLS13-AES128-GCM-SHA256
bad_usage "keylog into a directory" "is a directory" live --batch --keylog "$T_TMP/dir"
[ -z "$(ls -A "$T_TMP/dir")" ] && pass "no half-written key log" || fail "files left in $T_TMP/dir"

bad_usage "record into a missing directory" "$T_TMP/none/x.pcapng" record -w "$T_TMP/none/x.pcapng"
bad_usage "record onto a directory" "is a directory" record -w "$T_TMP/dir"
[ -z "$(ls -A "$T_TMP/dir")" ] && pass "no probe or partial file left" || fail "files left in $T_TMP/dir"

done_tests
