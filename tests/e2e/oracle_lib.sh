# Oracle helpers: what tshark and tlsviz each say about a capture, in one
# normalized form so the two can be compared with diff (sourced by tests).
#
# The normalized form: one line per connection, direction and kind, sorted,
#   <client port> <c2s|s2c> hs <type>:<len> ...      handshake messages in order: type
#                                                    and body length (without the 4-byte header)
#   <client port> <c2s|s2c> app <hex>                all decrypted application data
#   <client port> <c2s|s2c> alert <desc> <desc> ...  alert descriptions in order
# A kind with nothing in a direction has no line. Connections are named by the
# client's TCP port, which both tools report.
# Needs: tshark, jq, awk, sort.

# oracle_tshark_opts KIND KEY: print tshark -o options, one per line, for a key
# log (KIND=keylog), a server RSA key (KIND=rsa) or nothing (KIND=none).
oracle_tshark_opts() {
	case $1 in
	keylog) printf '%s\n' -o "tls.keylog_file:$2" ;;
	rsa) printf '%s\n' -o "uat:rsa_keys:\"$2\",\"\"" ;;
	none) printf '%s\n' -o "tls.keylog_file:" ;;
	esac
}

# oracle_tshark_ports FILE: "<tcp.stream> <client port>" per connection (from the SYN).
oracle_tshark_ports() {
	tshark -r "$1" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
		-e tcp.stream -e tcp.srcport 2>/dev/null | sort -u -n
}

# oracle_tshark FILE KIND KEY: tshark's view of FILE in the normalized form.
oracle_tshark() {
	local file=$1 opts ports s
	mapfile -t opts < <(oracle_tshark_opts "$2" "${3:-}")
	ports=$(oracle_tshark_ports "$file")
	{
		# Handshake types and lengths and alert descriptions, per frame in
		# capture order; several in a frame come comma-separated in wire order.
		tshark -r "$file" "${opts[@]}" -Y 'tls.handshake.type || tls.alert_message.desc' \
			-T fields -E separator=/t -E occurrence=a \
			-e tcp.stream -e tcp.srcport -e tls.handshake.type -e tls.alert_message.desc \
			-e tls.handshake.length \
			2>/dev/null |
			awk -F'\t' -v ports="$ports" '
				BEGIN { n = split(ports, p, "\n"); for (i = 1; i <= n; i++) { split(p[i], f, " "); cport[f[1]] = f[2] } }
				{
					c = cport[$1]; if (c == "") next
					d = ($2 == c) ? "c2s" : "s2c"
					if ($3 != "") { k = split($3, t, ","); split($5, l, ","); for (i = 1; i <= k; i++) print c, d, "hs", t[i] ":" l[i] }
					if ($4 != "") { k = split($4, t, ","); for (i = 1; i <= k; i++) print c, d, "alert", t[i] }
				}'
		# Decrypted application data: one follow per connection, all in one
		# run. Lines of node 0 are flush left, node 1 lines start with a tab;
		# node 0 is whichever endpoint tshark saw first, so it is named by its
		# port. (The key-less view has no application data to follow.)
		if [ "$2" != none ] && [ -n "$ports" ]; then
			local zs=()
			while read -r s _; do zs+=(-z "follow,tls,raw,$s"); done <<<"$ports"
			tshark -r "$file" "${opts[@]}" -q "${zs[@]}" 2>/dev/null |
				awk -v ports="$ports" '
					BEGIN { n = split(ports, p, "\n"); for (i = 1; i <= n; i++) { split(p[i], f, " "); cport[f[1]] = f[2] } }
					/^Filter: tcp.stream eq / { c = cport[$4]; first = ""; next }
					/^Node 0: / { n = split($3, a, ":"); first = (a[n] == c) ? "c2s" : "s2c"; other = (first == "c2s") ? "s2c" : "c2s"; next }
					/^(Node 1:|Follow:|=+$)/ { next }
					c == "" || first == "" { next }
					/^\t[0-9a-f]+$/ { sub(/^\t/, ""); print c, other, "app", $0; next }
					/^[0-9a-f]+$/ { print c, first, "app", $0 }'
		fi
	} | oracle_fold
}

# oracle_tlsviz_json JSONL: tlsviz's --json output in the normalized form.
oracle_tlsviz_json() {
	jq -r '
		if .type == "connection" then "conn \(.conn) \(.client | sub(".*:"; ""))"
		elif .type == "handshake" then "ev \(.conn) \(.dir) hs \(.msg_type):\(.len - 4)"
		elif .type == "alert" then "ev \(.conn) \(.dir) alert \(.desc)"
		elif .type == "app_data" and (.hex | length) > 0 then "ev \(.conn) \(.dir) app \(.hex)"
		else empty end' "$1" |
		awk '$1 == "conn" { port[$2] = $3; next }
			{ c = ($2 in port) ? port[$2] : "conn" $2; print c, $3, $4, $5 }' |
		oracle_fold
}

# oracle_fold: join "<port> <dir> <kind> <value>" lines (in order) into one line
# per port, direction and kind; app values are concatenated, others spaced.
oracle_fold() {
	awk '{
		k = $1 " " $2 " " $3
		if (!(k in v)) { order[++n] = k; v[k] = $4 }
		else if ($3 == "app") v[k] = v[k] $4
		else v[k] = v[k] " " $4
	}
	END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }' | LC_ALL=C sort
}

# oracle_count JSONL JQ_FILTER: how many lines of tlsviz's --json output match.
oracle_count() {
	jq -c "select($2)" "$1" 2>/dev/null | grep -c . || true
}

# ---- key shares: "<client port> <c2s|s2c> <group 0x....> <what> <hex>" ----
# what is "key_exchange" (the whole share) or "parts" (tlsviz's parts joined
# in order); one line per ClientHello/ServerHello key share, sorted.

# oracle_tshark_shares FILE: tshark's key_exchange bytes of every key share.
oracle_tshark_shares() {
	local ports
	ports=$(oracle_tshark_ports "$1")
	tshark -r "$1" -Y 'tls.handshake.type == 1 || tls.handshake.type == 2' -T fields -E separator=/t \
		-E occurrence=a -e tcp.stream -e tcp.srcport -e tls.handshake.extensions_key_share_group \
		-e tls.handshake.extensions_key_share_key_exchange 2>/dev/null |
		awk -F'\t' -v ports="$ports" '
			BEGIN { n = split(ports, p, "\n"); for (i = 1; i <= n; i++) { split(p[i], f, " "); cport[f[1]] = f[2] } }
			{
				c = cport[$1]; if (c == "" || $4 == "") next
				d = ($2 == c) ? "c2s" : "s2c"
				k = split($3, g, ","); split($4, x, ",")
				for (i = 1; i <= k; i++) { gsub(":", "", x[i]); printf "%s %s 0x%04x key_exchange %s\n", c, d, g[i], x[i] }
			}' | LC_ALL=C sort
}

# oracle_tcp_streams FILE: "<client port> <c2s|s2c> <hex>": each direction's
# whole TCP payload, as tshark reassembles it (no TLS involved).
oracle_tcp_streams() {
	local ports s zs=()
	ports=$(oracle_tshark_ports "$1")
	[ -n "$ports" ] || return 0
	while read -r s _; do zs+=(-z "follow,tcp,raw,$s"); done <<<"$ports"
	tshark -r "$1" -q "${zs[@]}" 2>/dev/null |
		awk -v ports="$ports" '
			BEGIN { n = split(ports, p, "\n"); for (i = 1; i <= n; i++) { split(p[i], f, " "); cport[f[1]] = f[2] } }
			/^Filter: tcp.stream eq / { c = cport[$4]; first = ""; next }
			/^Node 0: / { n = split($3, a, ":"); first = (a[n] == c) ? "c2s" : "s2c"; other = (first == "c2s") ? "s2c" : "c2s"; next }
			/^(Node 1:|Follow:|=+$)/ { next }
			c == "" || first == "" { next }
			/^\t[0-9a-f]+$/ { sub(/^\t/, ""); print c, other, $0; next }
			/^[0-9a-f]+$/ { print c, first, $0 }' | oracle_fold_streams
}

# oracle_fold_streams: join "<port> <dir> <hex>" lines into one per port and dir.
oracle_fold_streams() {
	awk '{ k = $1 " " $2; if (!(k in v)) order[++n] = k; v[k] = v[k] $3 }
	     END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }'
}

# oracle_tlsviz_share_fields JSONL: where tlsviz put each share and its parts,
# as "<port> <dir> <group> <what> <stream offset> <len> [<name>]" with the
# offset in the direction's TCP stream. A hello must open its record (true
# of every ClientHello and ServerHello here; the byte comparison would fail
# otherwise).
oracle_tlsviz_share_fields() {
	jq -rn '
		[inputs] as $all
		| ($all | map(select(.type == "connection") | {key: (.conn | tostring), value: (.client | sub(".*:"; ""))}) | from_entries) as $port
		| ($all | map(select(.type == "record") | {key: "\(.conn) \(.dir) \(.index)", value: .stream_off}) | from_entries) as $rec
		| $all[] | select(.type == "handshake" and (.msg == "client_hello" or .msg == "server_hello") and (.encrypted | not))
		| . as $h | ($rec["\(.conn) \(.dir) \(.record_index)"] + 5) as $base | .fields as $f
		| range(0; $f | length) as $i | select($f[$i].name == "key_exchange")
		| ($f[:$i] | map(select(.name == "key_share_entry")) | last | .value | capture("\\((?<g>0x[0-9a-f]+)\\)").g) as $g
		| ($f[$i + 1:] | (map(.depth <= $f[$i].depth) | index(true)) as $e | .[:($e // length)]
		   | map(select(.depth == $f[$i].depth + 1 and .name != "note"))) as $parts
		| "\($port[$h.conn | tostring]) \($h.dir) \($g) key_exchange \($base + $f[$i].off) \($f[$i].len)",
		  ($parts[] | "\($port[$h.conn | tostring]) \($h.dir) \($g) part \($base + .off) \(.len) \(.name)")' "$1"
}

# oracle_tlsviz_shares JSONL FILE: tlsviz's shares with their bytes cut from
# the TCP streams at tlsviz's offsets: the key_exchange field, and its parts
# joined (a line only for a share that has parts).
oracle_tlsviz_shares() {
	oracle_tlsviz_share_fields "$1" | awk -v streams="$(oracle_tcp_streams "$2")" '
		BEGIN { n = split(streams, s, "\n"); for (i = 1; i <= n; i++) { split(s[i], f, " "); hex[f[1] " " f[2]] = f[3] } }
		{
			b = substr(hex[$1 " " $2], 2 * $5 + 1, 2 * $6)
			if ($4 == "key_exchange") { k = $1 " " $2 " " $3 " #" (++nk); order[nk] = k; ke[k] = b; last = k; next }
			parts[last] = parts[last] b
		}
		END {
			for (i = 1; i <= nk; i++) {
				k = order[i]; sub(/ #[0-9]+$/, "", k)
				print k, "key_exchange", ke[order[i]]
				if (order[i] in parts) print k, "parts", parts[order[i]]
			}
		}' | LC_ALL=C sort
}
