#!/usr/bin/env bash
# ECH (RFC 9849) and certificate compression (RFC 8879), field by field
# against tshark, on the synthetic captures of scripts/gen-synthetic.py (no
# stack on Debian 12 speaks either). tshark 4.0 shows encrypted_client_hello
# only as raw bytes, so tlsviz's fields are checked against those bytes at
# the RFC's offsets; it decompresses brotli but not zlib or zstd, so the
# certificate inside is compared on the brotli capture and the other two must
# decode to the same chain. The story's numbers must be tshark's numbers.
# Then the generator itself: it must still make captures tshark decrypts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tshark jq xxd timeout

CAP=$TLSVIZ_SRC/captures

# json NAME [ARGS...]: tlsviz replay NAME.pcapng with its keys, JSON Lines to $T_TMP/NAME.json.
json() {
	local name=$1
	shift
	timeout 60 "$TLSVIZ" replay "$CAP/$name.pcapng" --keylog "$CAP/$name.keys" "$@" --batch --json \
		>"$T_TMP/$name.json" 2>"$T_TMP/$name.err"
}

# field NAME TYPE FIELD [N]: the N-th (0-based) value of FIELD in NAME's handshake message TYPE.
field() {
	jq -r --argjson t "$2" --arg f "$3" 'select(.type == "handshake" and .msg_type == $t) | .fields[] |
		select(.name == $f) | .value' "$T_TMP/$1.json" | sed -n "$((${4:-0} + 1))p"
}

# lengths NAME TYPE WHAT: the values of the "length" fields that say "(WHAT)", comma-separated.
lengths() {
	jq -r --argjson t "$2" --arg w "($3)" 'select(.type == "handshake" and .msg_type == $t) | .fields[] |
		select(.name == "length" and (.value | endswith($w))) | .value | split(" ")[0]' "$T_TMP/$1.json" |
		paste -sd,
}

# explain NAME STAGE_KEY: the final Explain text of the stage called STAGE_KEY.
explain() {
	jq -r --arg k "$2" 'select(.type == "stage" and .final and .name == $k) | .explain | join(" ")' "$T_TMP/$1.json"
}

# tsh NAME FILTER FIELD...: tshark's fields (all occurrences, comma-separated) with NAME's keys.
tsh() {
	local name=$1 filter=$2
	shift 2
	local fs=()
	for f in "$@"; do fs+=(-e "$f"); done
	tshark -r "$CAP/$name.pcapng" -o "tls.keylog_file:$CAP/$name.keys" -Y "$filter" -T fields \
		-E occurrence=a -E separator=/t "${fs[@]}" 2>/dev/null | head -1
}

# jqe FILTER FILE...: jq -e, quietly (true when the last output is neither false nor null).
jqe() { jq -e "$@" >/dev/null; }

# none FILTER FILE: no line of FILE matches the jq FILTER.
none() { [ "$(jq -c "select($1)" "$2" | grep -c .)" -eq 0 ]; }

# eq WHAT WANT GOT
eq() {
	if [ "$2" = "$3" ]; then pass "$1: $3"; else fail "$1: tshark says \"$2\", tlsviz \"$3\""; fi
}

# --- ECH: the outer ClientHello, retry_configs, ech_required -------------------
n=tls13-ech-retry
if ! json $n; then
	fail "$n: tlsviz replay failed: $(head -c 300 "$T_TMP/$n.err")"
else
	sni=$(tsh $n 'tls.handshake.type == 1' tls.handshake.extensions_server_name)
	h=$(tsh $n 'tls.handshake.type == 1' tls.handshake.extension.data) # the one extension tshark 4.0 cannot decode
	check "$n: tshark shows the ClientHello's extension 65037 as raw bytes" [ -n "$h" ]
	eq "$n: ECHClientHello type" "outer (0)" "$(field $n 1 type)"
	eq "$n: kdf_id" "0x${h:2:4}" "$(field $n 1 kdf_id | grep -o '0x[0-9a-f]*')"
	eq "$n: aead_id" "0x${h:6:4}" "$(field $n 1 aead_id | grep -o '0x[0-9a-f]*')"
	eq "$n: config_id" "$((16#${h:10:2}))" "$(field $n 1 config_id)"
	enclen=$((16#${h:12:4}))
	eq "$n: enc" "${h:16:$((enclen * 2))}" "$(field $n 1 enc)"
	paylen=$((16#${h:$((16 + enclen * 2)):4}))
	eq "$n: payload length" "$paylen" "$(lengths $n 1 payload)"
	eq "$n: extension length" "$(( ${#h} / 2 ))" "$(lengths $n 1 extension_data | awk -F, '{ print $NF }')"
	eq "$n: outer SNI (the public name)" "$sni" "$(jq -r 'select(.type == "facts") | .sni' "$T_TMP/$n.json" | tail -1)"
	check "$n: facts say ECH outer with tshark's payload size" \
		jqe -s --argjson p "$paylen" '[.[] | select(.type == "facts")] | last | .ech and .ech_payload_len == $p and
			.ech_retry_configs and .ech_required' "$T_TMP/$n.json"

	# retry_configs in the (decrypted) EncryptedExtensions
	r=$(tsh $n 'tls.handshake.type == 8' tls.handshake.extension.data)
	check "$n: tshark decrypts EncryptedExtensions and shows its extension 65037" [ -n "$r" ]
	# ECHConfigList<2> ECHConfig{version<2> length<2> config_id<1> kem_id<2> public_key<2>...}
	eq "$n: ECHConfig version" "0x${r:4:4} (RFC 9849)" "$(field $n 8 version)"
	eq "$n: retry config_id" "config_id $((16#${r:12:2}))" "$(field $n 8 key_config)"
	eq "$n: kem_id" "0x${r:14:4}" "$(field $n 8 kem_id | grep -o '0x[0-9a-f]*')"
	pklen=$((16#${r:18:4}))
	eq "$n: public_key" "${r:22:$((pklen * 2))}" "$(field $n 8 public_key)"
	p=$((22 + pklen * 2))
	cslen=$((16#${r:$p:4}))
	p=$((p + 4 + cslen * 2 + 2)) # cipher_suites, maximum_name_length
	pnlen=$((16#${r:$p:2}))
	eq "$n: public_name" "\"$(xxd -r -p <<<"${r:$((p + 2)):$((pnlen * 2))}")\"" "$(field $n 8 public_name)"
	eq "$n: cipher suites" "$((cslen / 4))" "$(jq -r 'select(.type == "handshake" and .msg_type == 8) | .fields[] |
		select(.name == "cipher_suite") | .value' "$T_TMP/$n.json" | grep -c .)"
	eq "$n: the client's alert" "$(tsh $n 'tls.alert_message' tls.alert_message.desc)" \
		"$(jq -r 'select(.type == "alert") | "\(.desc)"' "$T_TMP/$n.json")"
	eq "$n: alert 121 named" "ech_required" "$(jq -r 'select(.type == "alert") | .desc_name' "$T_TMP/$n.json")"

	# ECH_SECRET / ECH_CONFIG: accepted, shown as keys, never "unknown label"
	for l in ECH_SECRET ECH_CONFIG; do
		want=$(awk -v l=$l '$1 == l { print $3 }' "$CAP/$n.keys")
		got=$(jq -r --arg k "$(tr 'A-Z' 'a-z' <<<$l)" 'select(.type == "key" and .name == $k) | .value' "$T_TMP/$n.json")
		eq "$n: $l shown as a key" "$want" "$got"
	done
	check "$n: no key log warning" none '.type == "note" and (.text | test("unknown label"))' "$T_TMP/$n.json"

	# the story: the public name and the sizes as decoded, the retry and the alert explained
	e=$(explain $n client_hello)
	check "$n: story names tshark's SNI as the public name" grep -qF "Its server_name, \"$sni\", is the public name" <<<"$e"
	check "$n: story gives tshark's payload size" grep -qF "$paylen bytes encrypted with HPKE" <<<"$e"
	check "$n: story explains retry_configs" grep -qF "the server sent retry_configs" <<<"$(explain $n server_hello_flight)"
	check "$n: story explains ech_required" grep -qF "ech_required (121)" <<<"$(explain $n alert)"
	# the eavesdropper: what the wire shows only
	json $n --view eavesdropper
	eve=$(jq -r 'select(.type == "stage" and .final) | .eavesdropper' "$T_TMP/$n.json")
	check "$n: eavesdropper sees the public name and an unreadable extension" \
		grep -qF "the public name (\"$sni\")" <<<"$eve"
	check "$n: eavesdropper learns nothing of retry_configs, the compression or the alert" \
		bash -c "! grep -qiE 'retry|brotli|compress|ech_required' <<<\"\$1\"" _ "$eve"
	check "$n: eavesdropper view has no keys" none '.type == "key"' "$T_TMP/$n.json"
fi

# --- ECH with a HelloRetryRequest (no keys) ---------------------------------------
n=tls13-ech-hrr
timeout 60 "$TLSVIZ" replay "$CAP/$n.pcapng" --batch --json >"$T_TMP/$n.json" 2>"$T_TMP/$n.err"
c=$(tshark -r "$CAP/$n.pcapng" -Y 'tls.handshake.type == 2' -T fields -E occurrence=a -e tls.handshake.extension.data \
	2>/dev/null | head -1)
eq "$n: HRR confirmation" "$c" "$(field $n 2 confirmation)"
check "$n: facts: HRR with the ECH confirmation" \
	jqe -s '[.[] | select(.type == "facts")] | last | .hrr and .ech_hrr_confirmation' "$T_TMP/$n.json"
eq "$n: second outer hello has an empty enc" "1" \
	"$(jq -r 'select(.type == "handshake" and .msg_type == 1) | [.fields[] | select(.name == "length" and
		.value == "0 (enc)")] | length' "$T_TMP/$n.json" | tail -1)"

# with a key log that has no key for this hello, the reason names ECH's inner random
timeout 60 "$TLSVIZ" replay "$CAP/$n.pcapng" --keylog "$CAP/tls13-certcomp-zlib.keys" --batch --json \
	>"$T_TMP/$n.k.json" 2>"$T_TMP/$n.k.err"
check "$n: records without a key say the key log may name the inner ClientHello's random" \
	jqe -s '[.[] | select(.type == "record" and .encrypted)] | length > 0 and
		all(.why_not | test("inner ClientHello"))' "$T_TMP/$n.k.json"

# --- certificate compression ----------------------------------------------------------
chain= # the chain's cert_data lengths, from tshark on the brotli capture
for alg in brotli zlib zstd; do
	n=tls13-certcomp-$alg
	if ! json $n; then
		fail "$n: tlsviz replay failed: $(head -c 300 "$T_TMP/$n.err")"
		continue
	fi
	IFS=$'\t' read -r a u l < <(tsh $n 'tls.handshake.type == 25' tls.compress_certificate.algorithm \
		tls.compress_certificate.uncompressed_length tls.compress_certificate.compressed_certificate_message.length)
	eq "$n: algorithm" "$(printf '0x%04x' "$a")" "$(field $n 25 algorithm | grep -o '0x[0-9a-f]*')"
	eq "$n: uncompressed_length" "$u" "$(field $n 25 uncompressed_length)"
	eq "$n: compressed length" "$l" "$(lengths $n 25 compressed_certificate_message)"
	if [ $alg = brotli ]; then
		chain=$(tsh $n 'tls.handshake.type == 25' tls.handshake.certificate_length)
		cn=$(tsh $n 'tls.handshake.type == 25' x509sat.uTF8String x509sat.printableString | tr '\t' ',')
		check "$n: tshark decompresses brotli ($chain)" [ -n "$chain" ]
		check "$n: the leaf's CN (tshark: $cn)" grep -q "^/CN=localhost$" <<<"$(field $n 25 subject 0)"
		grep -q localhost <<<"$cn" || fail "$n: tshark's certificate names ($cn) lack localhost"
	fi
	eq "$n: decompressed chain (cert_data lengths)" "$chain" "$(lengths $n 25 cert_data)"
	eq "$n: the decompressed group" "Certificate, $u bytes from $l compressed ($alg)" "$(field $n 25 decompressed)"
	check "$n: facts: certificate seen, compressed with $alg, $l of $u" \
		jqe -s --argjson a "$a" --argjson l "$l" --argjson u "$u" '[.[] | select(.type == "facts")] | last |
			.certificate and .cert_compression == $a and .cert_compressed_len == $l and .cert_uncompressed_len == $u' \
		"$T_TMP/$n.json"
	check "$n: the story says $alg, $l bytes instead of $u" \
		grep -qF "compressed with $alg: $l bytes on the wire instead of $u" <<<"$(explain $n server_hello_flight)"
	check "$n: no decode error" none '.type == "error"' "$T_TMP/$n.json"
done

# --- the generator still makes what tshark decrypts -------------------------------
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
	mkdir -p "$T_TMP/gen"
	if /usr/bin/python3 "$TLSVIZ_SRC/scripts/gen-synthetic.py" "$T_TMP/gen" >/dev/null; then
		for g in tls13-ech-retry tls13-certcomp-zlib tls13-certcomp-brotli tls13-certcomp-zstd; do
			m=$(tshark -r "$T_TMP/gen/$g.pcapng" -o "tls.keylog_file:$T_TMP/gen/$g.keys" \
				-Y 'tls.handshake.type == 25 || tls.handshake.type == 20' -T fields -e frame.number 2>/dev/null | grep -c .)
			check "$g: a fresh capture from the generator decrypts in tshark" [ "$m" -ge 1 ]
		done
	else
		fail "scripts/gen-synthetic.py failed"
	fi
else
	fail "/usr/bin/python3 with python3-cryptography missing (run scripts/install-deps.sh)"
fi
done_tests
