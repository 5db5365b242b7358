#!/usr/bin/env bash
# Memory errors and leaks under valgrind memcheck: one live session and a few
# replays (TLS 1.3 with a key log, TLS 1.2 static RSA with the server key,
# JSON output, a tampered capture, plaintext export) must report 0 errors and
# 0 definitely lost blocks. Slow (about a minute): valgrind runs the live
# session's wolfSSL peers and capture threads too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need valgrind timeout

# Valgrind cannot run an AddressSanitizer binary (both replace malloc and
# reserve shadow memory). In the sanitizer build this test has nothing to
# check: exit 77, which ctest reports as skipped (SKIP_RETURN_CODE 77); the
# normal build runs it for real.
if ldd "$TLSVIZ" 2>/dev/null | grep -q libasan || nm "$TLSVIZ" 2>/dev/null | grep -q ' __asan_init'; then
	echo "skipped: $TLSVIZ is built with AddressSanitizer; valgrind runs in the normal build"
	exit 77
fi

CAP=$TLSVIZ_SRC/captures
VG=(valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99
	--track-fds=no --num-callers=30)

# vg TAG ARGS...: tlsviz under memcheck; exit 0 and a clean summary.
vg() {
	local tag=$1 rc; shift
	timeout 600 "${VG[@]}" --log-file="$T_TMP/vg.log" "$TLSVIZ" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	rc=$?
	if [ $rc -eq 99 ]; then
		fail "$tag: valgrind found errors or definite leaks:"
		grep -E '^==[0-9]+== ' "$T_TMP/vg.log" | grep -vE 'Copyright|Command|Using Valgrind|^==[0-9]+== *$' | head -60 >&2
		return
	fi
	[ $rc -eq 0 ] || { fail "$tag: exit $rc: $(tail -n3 "$T_TMP/err")"; return; }
	grep -q 'ERROR SUMMARY: 0 errors' "$T_TMP/vg.log" || { fail "$tag: no clean error summary"; return; }
	grep -Eq 'definitely lost: [1-9]' "$T_TMP/vg.log" && { fail "$tag: definite leak"; return; }
	grep -q '== end ==\|"type":"end"' "$T_TMP/out" || { fail "$tag: output did not reach the end"; return; }
	pass "$tag: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$T_TMP/vg.log"), $(grep -o 'definitely lost: [0-9,]* bytes' "$T_TMP/vg.log" || echo 'no leaks')"
}

vg "live --batch" live --batch
grep -q 'application_data' "$T_TMP/out" || fail "live under valgrind: no application data decoded"
vg "replay TLS 1.3 with key log" replay "$CAP/tls13-aes128gcm.pcapng" --keylog "$CAP/tls13-aes128gcm.keys" --batch
grep -q 'GET /' "$T_TMP/out" && pass "replay under valgrind decrypted the request" ||
	fail "replay under valgrind: request not decrypted"
vg "replay TLS 1.2 static RSA, JSON" replay "$CAP/tls12-rsa-aes128gcm.pcapng" --rsa-key "$CAP/rsa-server.key" --batch --json
vg "replay tampered, export plaintext" replay "$CAP/tampered-tls13-aes128gcm.pcapng" \
	--keylog "$CAP/tampered-tls13-aes128gcm.keys" --export-plaintext "$T_TMP" --batch

done_tests
