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
