#!/usr/bin/env bash
# Decoder oracle: `tlsviz replay` of every reference capture in captures/ must
# agree with tshark on the same file and keys: per connection and direction,
# the handshake message types and lengths in order, the decrypted application data byte
# for byte, and the alert descriptions. Without keys both must see only the
# cleartext handshake and no application data; the static-RSA capture is
# decrypted with the server key alone; the tampered captures must show an
# authentication failure where tshark cannot decrypt either. Every key share's
# bytes agree with tshark's, and post-quantum shares are split into their parts.
# If the two disagree, tlsviz is presumed wrong.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oracle_lib.sh"
need tshark jq timeout diff

CAP=$TLSVIZ_SRC/captures
RSA_KEY=$CAP/rsa-server.key
# Captures decrypted with the server's RSA key only (static RSA key transport).
RSA_ONLY=" tls12-rsa-aes128gcm "
# Synthetic captures (scripts/gen-synthetic.py) of what no stack here makes:
# the ECH retry ends in ech_required before any application data, and the
# ECH HelloRetryRequest one has no keys (only its cleartext is compared).
NO_APP=" tls13-ech-retry "
NO_KEYS=" tls13-ech-hrr "

# replay OUT ARGS...: tlsviz replay in batch JSON mode into OUT (stderr OUT.err).
replay() {
	local out=$1
	shift
	timeout 60 "$TLSVIZ" replay "$@" --batch --json >"$out" 2>"$out.err"
}

# json_ok FILE: every line of FILE is a JSON object with a "type".
json_ok() {
	[ -s "$1" ] && jq -s -e 'all(.[]; type == "object" and has("type"))' "$1" >/dev/null 2>&1 &&
		[ "$(jq -c . "$1" 2>/dev/null | grep -c .)" -eq "$(grep -c . "$1")" ]
}

# show_diff NAME WHAT EXPECTED ACTUAL: print the disagreement (long hex cut).
show_diff() {
	echo "--- $1 ($2): tshark (<) vs tlsviz (>):" >&2
	diff "$3" "$4" | cut -c1-300 | head -40 >&2
}

# compare NAME EXPECTED ACTUAL WHAT: pass if tlsviz's normalized view equals tshark's.
compare() {
	if diff -q "$2" "$3" >/dev/null; then
		pass "$1: $4 agree with tshark"
	else
		show_diff "$1" "$4" "$2" "$3"
		fail "$1: $4 differ from tshark"
	fi
}

# oracle_sane NAME EXPECTED FILE: tshark decrypted both directions of every connection.
oracle_sane() {
	local port ok=0
	while read -r _ port; do
		[ -n "$port" ] || continue
		grep -q "^$port c2s app " "$2" && grep -q "^$port s2c app " "$2" || ok=1
	done < <(oracle_tshark_ports "$3")
	[ $ok -eq 0 ] && [ -s "$2" ]
}

# check_capture NAME: the full comparison for one ordinary capture.
check_capture() {
	local name=$1 f=$CAP/$1.pcapng k=$CAP/$1.keys kind key args rc
	if [[ $NO_KEYS == *" $name "* ]]; then
		check_keyless "$name"
		return
	fi
	if [[ $RSA_ONLY == *" $name "* ]]; then
		kind=rsa key=$RSA_KEY args=(--rsa-key "$RSA_KEY")
	else
		kind=keylog key=$k args=(--keylog "$k")
	fi
	oracle_tshark "$f" "$kind" "$key" >"$T_TMP/$name.want"
	if [[ $NO_APP == *" $name "* ]]; then
		# no application data to decrypt: the encrypted EncryptedExtensions must be
		if ! grep -q ' s2c hs .* 8:' "$T_TMP/$name.want"; then
			fail "$name: oracle: tshark did not decrypt the server's handshake with the $kind"
			return
		fi
	elif ! oracle_sane "$name" "$T_TMP/$name.want" "$f"; then
		fail "$name: oracle: tshark did not decrypt every connection with the $kind"
		return
	fi

	# With the keys: everything must agree.
	rc=0
	replay "$T_TMP/$name.json" "$f" "${args[@]}" || rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: tlsviz replay ${args[*]} exited $rc: $(head -c 300 "$T_TMP/$name.json.err")"
	elif ! json_ok "$T_TMP/$name.json"; then
		fail "$name: tlsviz --json output is not JSON Lines with a type"
	else
		oracle_tlsviz_json "$T_TMP/$name.json" >"$T_TMP/$name.got"
		compare "$name" "$T_TMP/$name.want" "$T_TMP/$name.got" "handshake types+lengths, app data, alerts ($kind)"
		local want_conns got_conns
		want_conns=$(oracle_tshark_ports "$f" | grep -c . || true)
		got_conns=$(oracle_count "$T_TMP/$name.json" '.type == "connection"')
		check "$name: $got_conns connection(s), tshark sees $want_conns" [ "$want_conns" -eq "$got_conns" ]
		check_shares "$name" "$T_TMP/$name.json"
	fi

	check_keyless "$name"
}

# check_keyless NAME: without a key only the cleartext handshake, no plaintext.
check_keyless() {
	local name=$1 f=$CAP/$1.pcapng rc
	oracle_tshark "$f" none >"$T_TMP/$name.want0"
	rc=0
	replay "$T_TMP/$name.nokey.json" "$f" || rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: tlsviz replay without keys exited $rc: $(head -c 300 "$T_TMP/$name.nokey.json.err")"
		return
	fi
	if ! json_ok "$T_TMP/$name.nokey.json"; then
		fail "$name: tlsviz --json output without keys is not JSON Lines"
		return
	fi
	oracle_tlsviz_json "$T_TMP/$name.nokey.json" >"$T_TMP/$name.got0"
	compare "$name" "$T_TMP/$name.want0" "$T_TMP/$name.got0" "handshake types and alerts without keys"
	local napp nrec ndec
	napp=$(oracle_count "$T_TMP/$name.nokey.json" '.type == "app_data"')
	nrec=$(oracle_count "$T_TMP/$name.nokey.json" '.type == "record" and .content_type == 23 and .decrypted == false')
	ndec=$(oracle_count "$T_TMP/$name.nokey.json" '.type == "record" and .decrypted == true')
	if [ "$napp" -eq 0 ] && [ "$nrec" -gt 0 ] && [ "$ndec" -eq 0 ]; then
		pass "$name: without keys no app_data and $nrec records not decrypted"
	else
		fail "$name: without keys: $napp app_data events, $nrec records not decrypted, $ndec decrypted (want 0, >0, 0)"
	fi
}

# The parts each post-quantum share must be split into, in wire order
# (draft-ietf-tls-ecdhe-mlkem, FIPS 203), written out here rather than taken
# from tlsviz: X25519MLKEM768 puts ML-KEM first, SecP256r1MLKEM768 ECDH first.
declare -A PQ_PARTS=(
	[0x11ec c2s]="ML-KEM-768 encapsulation key:1184,X25519 share:32"
	[0x11ec s2c]="ML-KEM-768 ciphertext:1088,X25519 share:32"
	[0x11eb c2s]="secp256r1 share:65,ML-KEM-768 encapsulation key:1184"
	[0x11eb s2c]="secp256r1 share:65,ML-KEM-768 ciphertext:1088"
	[0x0201 c2s]="ML-KEM-768 encapsulation key:1184"
	[0x0201 s2c]="ML-KEM-768 ciphertext:1088"
)

# check_shares NAME JSONL: every key share's bytes agree with tshark's
# key_exchange; a post-quantum share is split into the parts above, which
# follow each other from the share's first byte and join to tshark's bytes.
check_shares() {
	local name=$1 f=$CAP/$1.pcapng json=$2 port dir g what off len pname k lay npq=0 bad=0
	oracle_tshark_shares "$f" >"$T_TMP/$name.shares.want"
	oracle_tlsviz_shares "$json" "$f" >"$T_TMP/$name.shares.got"
	grep ' key_exchange ' "$T_TMP/$name.shares.got" >"$T_TMP/$name.shares.ke"
	compare "$name" "$T_TMP/$name.shares.want" "$T_TMP/$name.shares.ke" "key_share key_exchange bytes"
	grep ' parts ' "$T_TMP/$name.shares.got" | sed 's/ parts / key_exchange /' >"$T_TMP/$name.shares.parts"
	if [ -s "$T_TMP/$name.shares.parts" ]; then
		if LC_ALL=C comm -23 "$T_TMP/$name.shares.parts" "$T_TMP/$name.shares.want" | grep -q .; then
			show_diff "$name" "parts joined" "$T_TMP/$name.shares.want" "$T_TMP/$name.shares.parts"
			fail "$name: a share's parts joined differ from tshark's key_exchange"
		else
			pass "$name: $(grep -c . "$T_TMP/$name.shares.parts") share(s): the parts joined equal tshark's key_exchange"
		fi
	fi
	# the layout: names, lengths and offsets of the parts of each share
	declare -A got=() start=() next=()
	k=""
	while read -r port dir g what off len pname; do
		if [ "$what" = key_exchange ]; then
			k="$port $dir $g #$off"
			got[$k]="" start[$k]=$off next[$k]=$off
			continue
		fi
		[ "${next[$k]}" -eq "$off" ] || { fail "$name: $k: part $pname at $off, expected at ${next[$k]}"; bad=1; }
		next[$k]=$((off + len))
		got[$k]+="${got[$k]:+,}$pname:$len"
	done < <(oracle_tlsviz_share_fields "$json")
	for k in "${!got[@]}"; do
		read -r port dir g _ <<<"$k"
		lay=${PQ_PARTS[$g $dir]:-}
		if [ "${got[$k]}" != "$lay" ]; then
			fail "$name: $port $dir $g: parts '${got[$k]}', expected '${lay:-none}'"
			bad=1
		elif [ -n "$lay" ]; then
			npq=$((npq + 1))
		fi
	done
	[ $bad -eq 0 ] && [ $npq -gt 0 ] && pass "$name: $npq post-quantum share(s) split as the drafts say, parts back to back"
	if [[ $name == *mlkem* ]] && [ $npq -lt 2 ]; then
		fail "$name: only $npq post-quantum share(s) split; a ClientHello's and a ServerHello's expected"
	fi
}

# check_tampered NAME: ciphertext bytes of the client's request record were
# changed (scripts/make-captures.sh): the handshake and the server's data still
# agree with tshark, the request is not decrypted, and tlsviz says why.
check_tampered() {
	local name=$1 f=$CAP/$1.pcapng k=$CAP/$1.keys rc=0 nfail
	oracle_tshark "$f" keylog "$k" >"$T_TMP/$name.want"
	if ! grep -q ' s2c app ' "$T_TMP/$name.want" || grep -q ' c2s app ' "$T_TMP/$name.want"; then
		fail "$name: oracle: tshark should decrypt only the server's data"
		return
	fi
	replay "$T_TMP/$name.json" "$f" --keylog "$k" || rc=$?
	if [ $rc -ge 124 ]; then
		fail "$name: tlsviz replay crashed or hung (exit $rc): $(head -c 300 "$T_TMP/$name.json.err")"
		return
	fi
	if ! json_ok "$T_TMP/$name.json"; then
		fail "$name: tlsviz --json output is not JSON Lines (exit $rc)"
		return
	fi
	oracle_tlsviz_json "$T_TMP/$name.json" >"$T_TMP/$name.got"
	# Alerts after the damaged record are left out: tshark stops decrypting
	# that direction, a decoder that keeps its sequence number does not.
	grep -v ' alert ' "$T_TMP/$name.want" | grep -v ' c2s app ' >"$T_TMP/$name.want1"
	grep -v ' alert ' "$T_TMP/$name.got" | grep -v ' c2s app ' >"$T_TMP/$name.got1"
	compare "$name" "$T_TMP/$name.want1" "$T_TMP/$name.got1" "handshake types and server app data"
	if grep -q '474554202f' <<<"$(grep ' c2s app ' "$T_TMP/$name.got")"; then
		fail "$name: tlsviz shows the damaged request as decrypted"
	else
		pass "$name: the damaged request is not shown as plaintext"
	fi
	nfail=$(oracle_count "$T_TMP/$name.json" \
		'(.type == "record" and .dir == "c2s" and .auth_failed == true) or
		 (.type == "error" and ((.what // "") + " " + (.text // "") | test("auth|mac|tag|decrypt"; "i")))')
	if [ "$nfail" -gt 0 ]; then
		pass "$name: tlsviz reports the authentication failure"
	else
		fail "$name: no record with auth_failed and no authentication error reported"
	fi
}

n=0
for f in "$CAP"/*.pcapng; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .pcapng)
	n=$((n + 1))
	case $name in
	tampered-*) check_tampered "$name" ;;
	*) check_capture "$name" ;;
	esac
done
[ $n -ge 24 ] || fail "only $n captures found in $CAP (scripts/make-captures.sh makes 24)"
done_tests
