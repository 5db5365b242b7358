# Sourced by the bench scripts: bench_capture makes a TLS 1.3 capture of one
# HTTPS download between OpenSSL peers in a private network namespace;
# bench_capture_conns one of many short connections (curl to s_server).

# bench_capture SUITE BYTES WWWDIR OUTPREFIX SRCDIR [MAX_SEND_FRAG]
#   SUITE: aes128gcm or chacha20. Serves WWWDIR/big.bin (BYTES random bytes,
#   made if missing) with openssl s_server -WWW to s_client inside
#   `unshare -n` (root) or `unshare -rn`, captured by dumpcap on lo (with a
#   few UDP probe packets to port 9 at the start, sent until dumpcap really
#   captures).
#   MAX_SEND_FRAG limits the server's record size (many small records).
#   Writes OUTPREFIX.pcapng (renamed from a temp name when complete) and
#   OUTPREFIX.keys (0600, NSS key log).
bench_capture() {
	local suite=$1 bytes=$2 dir=$3 out=$4 src=$5 frag=${6:-} cs
	case $suite in
	aes128gcm) cs=TLS_AES_128_GCM_SHA256 ;;
	chacha20) cs=TLS_CHACHA20_POLY1305_SHA256 ;;
	*) echo "bench: unknown suite $suite" >&2; return 2 ;;
	esac
	mkdir -p "$dir"
	[ "$(stat -c %s "$dir/big.bin" 2>/dev/null || echo 0)" = "$bytes" ] ||
		head -c "$bytes" /dev/urandom >"$dir/big.bin"
	rm -f "$out.keys"
	(umask 077 && : >"$out.keys")
	local ns=(unshare -n)
	[ "$(id -u)" -eq 0 ] || ns=(unshare -rn)
	# Inside the namespace: lo up, dumpcap, server, one bounded download.
	"${ns[@]}" bash -s -- "$dir" "$out.pcapng.tmp" "$out.keys" "$cs" \
		"$src/captures/rsa-server.crt" "$src/captures/rsa-server.key" "$frag" <<-'INNER'
		set -eu
		dir=$1 out=$2 keys=$3 cs=$4 crt=$5 key=$6 frag=$7
		extra=()
		[ -n "$frag" ] && extra=(-max_send_frag "$frag")
		ip link set lo up
		# dumpcap prints "Capturing on" before it really captures (about
		# 1.5 s here): send UDP probes to port 9 until one is in the file.
		dumpcap -i lo -B 256 -f "tcp port 4433 or udp port 9" -w "$out" 2>"$out.log" &
		dc=$!
		for i in $(seq 100); do grep -q "Capturing on" "$out.log" 2>/dev/null && break; sleep 0.1; done
		seen=0
		for i in $(seq 200); do
			printf tlsviz-bench-probe >/dev/udp/127.0.0.1/9 2>/dev/null || true
			sleep 0.05
			grep -qa tlsviz-bench-probe "$out" 2>/dev/null && { seen=1; break; }
		done
		[ "$seen" = 1 ] || { echo "bench: dumpcap captured no probe within 10 s" >&2; kill "$dc"; exit 1; }
		(cd "$dir" && exec timeout 900 openssl s_server -quiet -WWW -naccept 1 -accept 127.0.0.1:4433 \
			-tls1_3 -ciphersuites "$cs" -cert "$crt" -key "$key" -keylogfile "$keys" "${extra[@]}") \
			>/dev/null 2>&1 &
		sv=$!
		for i in $(seq 50); do
			ss -ltn 2>/dev/null | grep -q '127.0.0.1:4433 ' && break
			sleep 0.1
		done
		printf 'GET /big.bin HTTP/1.0\r\n\r\n' | timeout 900 openssl s_client -quiet -ign_eof \
			-connect 127.0.0.1:4433 -tls1_3 -ciphersuites "$cs" >/dev/null 2>&1 || true
		wait "$sv" 2>/dev/null || true
		sleep 0.5
		kill -INT "$dc"
		wait "$dc" || true
		if ! grep -q "dropped.*/0 " "$out.log"; then
			echo "bench: dumpcap dropped packets: $(grep -i drop "$out.log")" >&2
			exit 1
		fi
	INNER
	mv "$out.pcapng.tmp" "$out.pcapng"
	rm -f "$out.pcapng.tmp.log"
}

# bench_capture_conns N OUTPREFIX SRCDIR
#   N real TLS connections on lo inside `unshare -n` (root) or `unshare -rn`:
#   openssl s_server -WWW (it answers HTTP/1.0 and closes, so each request
#   is a connection of its own) and curl fetching hello.txt?a=[1-N/2] with
#   TLS 1.3, then ?b=[1-rest] with TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256,
#   --no-sessionid (every one a full handshake). Each curl run is bounded
#   to 50 s; dumpcap (tests/e2e/probe_capture.sh: started and stopped on a
#   UDP probe seen in the file) stops by itself after 120 s. The server
#   writes the key log. Writes OUTPREFIX.pcapng (renamed from a temp name
#   when complete) and OUTPREFIX.keys (0600); the caller checks the count.
bench_capture_conns() {
	local n=$1 out=$2 src=$3 ns=(unshare -n)
	[ "$(id -u)" -eq 0 ] || ns=(unshare -rn)
	rm -f "$out.keys" "$out.pcapng.tmp"
	(umask 077 && : >"$out.keys")
	"${ns[@]}" bash -s -- "$n" "$out.pcapng.tmp" "$out.keys" "$src" <<-'INNER'
		set -u
		n=$1 out=$2 keys=$3 src=$4
		cap=$src/captures
		. "$src/tests/e2e/probe_capture.sh"
		ip link set lo up
		www=$(mktemp -d)
		echo hello >"$www/hello.txt"
		probe_capture_start "$out" 'tcp port 4433' || { echo "bench: dumpcap captured no probe" >&2; exit 1; }
		(cd "$www" && exec timeout 110 openssl s_server -quiet -WWW -accept 127.0.0.1:4433 \
			-cert "$cap/rsa-server.crt" -key "$cap/rsa-server.key" -keylogfile "$keys") >/dev/null 2>&1 &
		sv=$!
		for i in $(seq 50); do ss -ltn 2>/dev/null | grep -q '127.0.0.1:4433 ' && break; sleep 0.1; done
		h=$((n / 2))
		timeout 50 curl -s --no-sessionid --tlsv1.3 --cacert "$cap/test-ca.crt" \
			"https://localhost:4433/hello.txt?a=[1-$h]" >/dev/null || echo "bench: curl (TLS 1.3) exit $?" >&2
		timeout 50 curl -s --no-sessionid --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
			--cacert "$cap/test-ca.crt" "https://localhost:4433/hello.txt?b=[1-$((n - h))]" >/dev/null ||
			echo "bench: curl (TLS 1.2) exit $?" >&2
		kill "$sv" 2>/dev/null
		wait "$sv" 2>/dev/null
		rm -rf "$www"
		probe_capture_stop "$out" || { echo "bench: the last probe never came" >&2; exit 1; }
		grep -q "received/dropped on interface .*: [0-9]*/0 " "$out.dumpcap" ||
			{ echo "bench: dumpcap dropped packets: $(grep -i drop "$out.dumpcap")" >&2; exit 1; }
	INNER
	local rc=$?
	rm -f "$out.pcapng.tmp.dumpcap"
	[ $rc -eq 0 ] || return $rc
	mv "$out.pcapng.tmp" "$out.pcapng"
}
