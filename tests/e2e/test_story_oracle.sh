#!/usr/bin/env bash
# Story oracle: every stage tlsviz shows must agree with what was decoded and
# with what tshark decodes, and the eavesdropper view must leak nothing.
#
# Inputs: every shipped capture with its keys (the static-RSA one with the
# server's RSA key), every capture without keys, and every live scenario (run
# twice). For each, from the JSON Lines output:
#   numbering  stages 1..N per connection, each a begin then a final event,
#              `of` = N in every stage event;
#   titles     each item of a final title, mapped back to a message name with
#              this file's own table, is a message the stage holds, and the
#              title names every message the stage holds;
#   messages   a stage's message list is exactly the handshake, alert and
#              change_cipher_spec events between its begin and the next begin
#              of its connection (the decoder's own events);
#   tshark     (captures) the handshake types tshark decodes in the frames of
#              each stage, and per connection and direction in order, are the
#              stages' handshake messages;
#   packets    a TCP segment with payload sits in a stage of its direction;
#   explain    the Explain paragraphs do not contradict the connection's facts
#              (the RULES table below);
#   keys       no key is stamped with a stage earlier than the message that
#              makes it possible (RFC 8446 / 5246 facts in KEY_RULES below), nor
#              later than the first message it protects;
#   live       the plan's begin title is the final title, no flight "did not go
#              out", and two runs give the same (number, title) list;
#   eve        `--view eavesdropper` shows no key, no plaintext, no key or
#              app_data event, no encrypted handshake or alert, no name of a
#              message that travelled encrypted (in stages, and in the notes
#              and errors added while it runs), and its own stage lists match
#              the cleartext events and the insider's stage numbers.
# A disagreement is presumed to be tlsviz's fault.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oracle_lib.sh"
need tshark jq timeout

CAP=$TLSVIZ_SRC/captures
RSA_KEY=$CAP/rsa-server.key
RSA_ONLY=" tls12-rsa-aes128gcm "
# a synthetic capture shipped without keys (captures/README.md): no keyed runs
NO_KEYS=" tls13-ech-hrr "
N_INPUTS=0 N_STAGES=0 N_KEYS=0 N_EVE=0

# ---- jq: shared definitions ----

# Title words back to message names: written here, independently of tlsviz's
# own table (src/engine/story.c), from RFC 8446 / 5246 message names.
read -r -d '' JQ_LIB <<'EOF'
def title_words: {
  "ClientHello": "client_hello", "ServerHello": "server_hello",
  "HelloRetryRequest": "hello_retry_request", "EncryptedExtensions": "encrypted_extensions",
  "Certificate": "certificate", "CertificateRequest": "certificate_request",
  "CertificateVerify": "certificate_verify", "Finished": "finished",
  "NewSessionTicket": "new_session_ticket", "ServerKeyExchange": "server_key_exchange",
  "ServerHelloDone": "server_hello_done", "ClientKeyExchange": "client_key_exchange",
  "ChangeCipherSpec": "change_cipher_spec", "KeyUpdate": "key_update",
  "EndOfEarlyData": "end_of_early_data", "CertificateStatus": "certificate_status",
  "CompressedCertificate": "compressed_certificate",
  "TCP handshake (SYN, SYN-ACK, ACK)": "tcp_handshake",
  "HTTP request": "http_request", "HTTP response": "http_response",
  "Application data": "application_data", "Encrypted records": "encrypted",
  "Record that failed authentication": "failed_record"
};
# Handshake message names to their wire msg_type (RFC 8446 4, RFC 5246 7.4, RFC 8879 4).
def hs_types: {
  "client_hello": 1, "server_hello": 2, "hello_retry_request": 2, "new_session_ticket": 4,
  "end_of_early_data": 5, "encrypted_extensions": 8, "certificate": 11,
  "server_key_exchange": 12, "certificate_request": 13, "server_hello_done": 14,
  "certificate_verify": 15, "client_key_exchange": 16, "finished": 20,
  "certificate_status": 22, "key_update": 24, "compressed_certificate": 25
};
# CamelCase of a snake_case message name (client_hello -> ClientHello).
def camel: split("_") | map((.[0:1] | ascii_upcase) + .[1:]) | join("");
# Tokens of a message list that are not handshake, alert or CCS messages.
def nonmsg: ["tcp_handshake", "http_request", "http_response", "application_data", "encrypted", "failed_record"];
def msgs_only: map(select(. as $t | nonmsg | index([$t]) | not));
def hs_only: map(select(hs_types[.] != null));
# Items of a title: ", "-separated, parentheses kept with their item.
def title_items: [scan("[^,(]+(?:\\([^)]*\\))?") | gsub("^\\s+|\\s+$"; "") | select(length > 0)];
def item_token:
  if title_words[.] then title_words[.]
  elif test("^ClientHello \\(second, after HelloRetryRequest\\)$") then "client_hello#second"
  elif test("^[a-z_]+ alert$") then "alert:" + sub(" alert$"; "")
  elif . == "Server flight" or . == "Client flight" then "#none"
  else "?" + . end;
# An item's tokens: "NewSessionTicket (x2)" is the message twice.
def item_tokens: if test(" \\(x[0-9]+\\)$")
  then capture("^(?<b>.*) \\(x(?<n>[0-9]+)\\)$") as $m | [range($m.n | tonumber) | $m.b | item_token]
  else [item_token] end;
# Items of an eavesdropper title ("ServerHello, then 4 encrypted records (1258 bytes)").
def eve_item_token:
  if test("^[0-9]+ encrypted (handshake |alert )?records? \\([0-9]+ bytes\\)$") then "encrypted"
  elif . == "nothing on the wire" then "#none"
  else item_tokens[] end;
def eve_title_items: [splits(", then ") | title_items[]];
def tok_of_event:
  if .type == "handshake" then .msg
  elif .type == "alert" then "alert:" + (.desc_name // ("desc" + (.desc | tostring)))
  elif .type == "change_cipher_spec" then "change_cipher_spec"
  else empty end;
def conns: [.[] | select(.type == "stage") | .conn] | unique;
def finals($c): [.[] | select(.type == "stage" and .final and .conn == $c)] | sort_by(.number);
def lastfacts($c): [.[] | select(.type == "facts" and .conn == $c)] | last // {};
# Every connection-bound event with _stage: the stage last begun in its connection.
def staged: [foreach .[] as $e ({};
  if $e.type == "stage" and ($e.final | not) then .[$e.conn | tostring] = $e.number else . end;
  if $e.type != "stage" and ($e.conn // 0) > 0 then $e + {_stage: .[$e.conn | tostring]} else empty end)];
def holds($m): (.messages // []) | index([$m]) != null;
def text: ([.title // ""] + (.explain // []) + [.eavesdropper // ""]) | join("\n");
def result(n; what; fails): {n: n, what: what, fails: [fails]};
EOF

# jchecks INPUT FILE [JQ ARGS...] -- CHECK PROGRAM [CHECK PROGRAM...]: run
# check programs (each's result: {n, what, fails}) over FILE in one jq; one
# pass or fail line per check, details on stderr.
jchecks() {
	local input=$1 file=$2 args=() names=() prog="" sep="" out kind chk n what nf
	shift 2
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	while [ $# -gt 0 ]; do
		prog+="$sep({chk: \"$1\"} + ($2))"
		sep=", "
		names+=("$1")
		shift 2
	done
	if ! out=$(jq -s -r "${args[@]}" "$JQ_LIB
		map(if .msg == \"client_hello\" then . else del(.fields) end) | [$prog][] | . as \$r |
		(\$r.fails[:15][] | \"D\\t\\(\$r.chk)\\t\\(tostring | gsub(\"[\\t\\n]\"; \" \"))\"),
		(\$r.hits // empty | \"H\\t\\(\$r.chk)\\t\\(map(tostring) | join(\" \"))\"),
		\"R\\t\\(\$r.chk)\\t\\(\$r.n)\\t\\(\$r.what)\\t\\(\$r.fails | length)\"" "$file" 2>&1); then
		for chk in "${names[@]}"; do fail "$input: $chk: the check itself failed: $(head -c 400 <<<"$out")"; done
		return
	fi
	local seen=" "
	while IFS=$'\t' read -r kind chk n what nf; do
		if [ "$kind" = D ]; then
			echo "    $input: $chk: ${n:0:700}" >&2
			continue
		elif [ "$kind" = H ]; then
			tr ' ' '\n' <<<"$n" >>"$T_TMP/rule-hits"
			continue
		fi
		seen+="$chk "
		case $chk in
		numbering) N_STAGES=$((N_STAGES + n)) ;;
		keys) N_KEYS=$((N_KEYS + n)) ;;
		eve-*) N_EVE=$((N_EVE + 1)) ;;
		esac
		if [ "$nf" -eq 0 ]; then
			pass "$input: $chk ($n $what)"
		else
			fail "$input: $chk: $nf problem(s) in $n $what"
		fi
	done <<<"$out"
	for chk in "${names[@]}"; do
		[[ $seen == *" $chk "* ]] || fail "$input: $chk: the check gave no result"
	done
}

# ---- checks on one insider run ----

# numbering: per connection the stage events are begin 1, final 1, begin 2, ...
read -r -d '' P_NUMBERING <<'EOF'
. as $all | [conns[] as $c | [$all[] | select(.type == "stage" and .conn == $c)]] as $per |
result([$per[] | map(select(.final)) | length] | add // 0; "stages";
  (if ($per | length) == 0 then "no stage events at all" else empty end),
  ($all[] | select(.type == "connection") | .conn as $k | select($per | map(.[0].conn) | index([$k]) | not) |
   "conn \($k): a connection without stages"),
  ($per[] as $ev | ($ev | map(select(.final)) | length) as $n | $ev[0].conn as $c |
  ([range(1; $n + 1) | [., false], [., true]]) as $want |
  ($ev | map([.number, .final])) as $got |
  (if $n == 0 then "conn \($c): no final stage event" else empty end),
  (if $got != $want then "conn \($c): stage events (number, final) \($got | map(map(tostring) | join("/")) | join(" ")), want 1..\($n) each begin then final" else empty end),
  ($ev | map(.of) | unique) as $of | (if $of != [$n] then "conn \($c): of is \($of) across its stage events, it has \($n) stages" else empty end),
  ($ev[] | select(.index != .number - 1) | "conn \($c) stage \(.number): index \(.index)")))
EOF

# titles: every title item is a message of the stage, every message is in the title.
read -r -d '' P_TITLES <<'EOF'
. as $all |
[conns[] as $c | ($all | finals($c)) as $st | $st[] | . as $s |
  {s: ., c: $c, toks: [.title // "" | title_items[] | item_tokens[]],
   hrr_before: ([$st[] | select(.number < $s.number and holds("hello_retry_request"))] | length > 0),
   ch_before: ([$st[] | select(.number < $s.number and holds("client_hello"))] | length > 0)}] as $rows |
result($rows | length; "final titles";
  $rows[] | . as $r | $r.s as $s | "conn \($r.c) stage \($s.number) \"\($s.title)\"" as $where |
  ($r.toks | map(if . == "client_hello#second" then "client_hello" else . end) | map(select(. != "#none" and (startswith("?") | not)))) as $t |
  ($s.messages // []) as $m |
  ($r.toks[] | select(startswith("?")) | "\($where): title item '\(.[1:])' names no message this test knows"),
  (if ($r.toks | index(["client_hello#second"])) and (($r.hrr_before and $r.ch_before) | not)
   then "\($where): says second ClientHello after HelloRetryRequest, but no HelloRetryRequest and ClientHello came before" else empty end),
  (if ($r.toks | index(["#none"])) and ($m | msgs_only | length) > 0 then "\($where): a generic flight title for messages \($m)" else empty end),
  ($t - $m | .[] | "\($where): title names \(.) but the stage holds \($m)"),
  ($m - $t | .[] | "\($where): title omits \(.) (stage holds \($m))"),
  (if $t != $m and ($t - $m | length) == 0 and ($m - $t | length) == 0
   then "\($where): title reads \($t), the stage holds \($m): count or order differ" else empty end))
EOF

# messages: the stage's message list equals the decoder's events in the stage.
read -r -d '' P_MESSAGES <<'EOF'
. as $all | ($all | staged) as $ev |
[conns[] as $c | ($all | finals($c))[] | . as $s |
  {c: $c, s: $s, want: [$ev[] | select(.conn == $c and ._stage == $s.number) | tok_of_event]}] as $rows |
result($rows | length; "stages";
  ($ev[] | select(._stage == null and (tok_of_event | length) > 0) | "conn \(.conn): \(tok_of_event) (seq \(.seq)) before any stage began"),
  ($rows[] | select(.want as $w | (.s.messages // []) | msgs_only != $w) |
   "conn \(.c) stage \(.s.number) \"\(.s.title)\": messages \(.s.messages // [] | msgs_only), decoded in the stage \(.want)"))
EOF

# tshark: per stage, the frames tlsviz put in it carry exactly its handshake types.
read -r -d '' P_TSHARK_STAGES <<'EOF'
. as $all | ($all | staged) as $ev |
[conns[] as $c | ($all | finals($c))[] | . as $s |
  ([$ev[] | select(.type == "packet" and .conn == $c and ._stage == $s.number) | .frame] | unique) as $fr |
  {c: $c, s: $s, frames: $fr, tshark: [$fr[] | ($ts[0][tostring] // [])[]],
   got: [(.messages // []) | hs_only[] | hs_types[.]]}] as $rows |
result($rows | length; "stages";
  ($rows[] | select(.tshark != .got) |
   "conn \(.c) stage \(.s.number) \"\(.s.title)\": tshark decodes handshake types \(.tshark) in its frames \(.frames), the stage holds \(.s.messages) = \(.got)"),
  ($ts[0] | keys[] | tonumber) as $f |
  (if [$ev[] | select(.type == "packet" and .frame == $f and ._stage != null)] | length == 0
   then "frame \($f) with handshake types \($ts[0][$f | tostring]) is in no stage" else empty end))
EOF

# packets: a TCP segment with payload lands in the stage of the records it
# carries, so in a stage of its own direction (story.h).
read -r -d '' P_PACKETS <<'EOF'
. as $all | ($all | staged) as $ev | [$all[] | select(.type == "stage" and .final) | {key: "\(.conn)/\(.number)", value: .}] | from_entries as $st |
[$ev[] | select(.type == "packet" and (.payload_len // 0) > 0)] as $pk |
result($pk | length; "packets with payload";
  $pk[] | $st["\(.conn)/\(._stage)"] as $s |
  if $s == null then "conn \(.conn) frame \(.frame) (\(.dir), \(.payload_len) bytes) is in no stage"
  elif $s.dir != .dir then "conn \(.conn) frame \(.frame) (\(.dir), \(.payload_len) bytes of payload) is in stage \($s.number) \"\($s.title)\" (\($s.dir))"
  else empty end)
EOF

# tshark per connection and direction: the stages' handshake messages in stage
# order are tshark's handshake types in frame order (connections by client port).
read -r -d '' P_TSHARK_CONNS <<'EOF'
. as $all |
[$all[] | select(.type == "connection") | {c: .conn, port: (.client | sub(".*:"; ""))}] as $cs |
[$cs[] as $k | ("c2s", "s2c") as $d |
  {c: $k.c, d: $d,
   want: [$tsl[0][] | select(.port == $k.port and .dir == $d) | .types[]],
   got: [($all | finals($k.c))[] | select(.dir == $d) | (.messages // []) | hs_only[] | hs_types[.]]}] as $rows |
result($cs | length; "connections";
  (if ($cs | length) != ($tsl[0] | map(.port) | unique | length) then "tlsviz shows \($cs | length) connections, tshark \($tsl[0] | map(.port) | unique | length) with handshake messages" else empty end),
  ($rows[] | select(.want != .got) | "conn \(.c) \(.d): tshark's handshake types \(.want), the stages hold \(.got)"))
EOF

# ---- explain: (fact condition, stage selector, must contain, must not contain) ----
# Conditions read the connection's last facts event; selectors read the final
# stage event. A sentence-level rule (the fifth column) applies its must-not to
# each sentence of the stage's text and excuses sentences matching it.
RULES=()
rule() { RULES+=("$1" "$2" "$3" "$4" "${5:-}"); }
NOT_SKE='(?<![Nn]o )ServerKeyExchange|Diffie-Hellman public key|ephemeral [^.]{0,40}public key'
# static RSA: the server flight and ClientKeyExchange tell the RSA story
rule '.key_exchange == "rsa" and (.resumed | not)' '.dir == "s2c" and holds("server_hello")' \
	'RSA' "$NOT_SKE"
rule '.key_exchange == "rsa"' 'holds("client_key_exchange")' \
	"premaster secret[^.]*encrypted[^.]*(RSA|server's)" "$NOT_SKE"
# (EC)DHE: the server hello flight must not tell the textbook RSA story
rule '.key_exchange == "ecdhe" or .key_exchange == "dhe"' 'holds("server_hello")' \
	'' "(?i)this is the textbook story|premaster secret[^.]*encrypted (with|to) the server|there is no ServerKeyExchange|with static RSA key transport the server"
# TLS 1.3 (EC)DHE: the certificate only signs; no TLS 1.2 key exchange messages
rule '.version == "TLS 1.3" and (.key_exchange == "ecdhe" or .key_exchange == "dhe")' 'holds("server_hello")' \
	'only signs' 'ServerKeyExchange|ClientKeyExchange|premaster'
rule '.version == "TLS 1.3"' 'true' '' 'ClientKeyExchange|ServerKeyExchange|premaster|key block'
rule '.version == "TLS 1.2"' 'true' '' 'HKDF|EncryptedExtensions|[Ee]verything after ServerHello is encrypted|handshake traffic'
# TLS 1.2 (EC)DHE: the server signs an ephemeral key; the client sends its public key
rule '.version == "TLS 1.2" and (.key_exchange == "ecdhe" or .key_exchange == "dhe") and (.resumed | not)' \
	'.dir == "s2c" and holds("server_key_exchange")' 'ServerKeyExchange' ''
rule '.version == "TLS 1.2" and (.key_exchange == "ecdhe" or .key_exchange == "dhe")' 'holds("client_key_exchange")' \
	'ephemeral [^.]{0,40}public key' "encrypted with the server's RSA public key|premaster secret it chose at random"
# resumption: no sentence claims a server Certificate in this connection
rule '.resumed' 'true' '' '\b[Cc]ertificate\b|certificate chain|CertificateVerify' '\b([Nn]o|not|without|never)\b'
rule '.resumed and .version == "TLS 1.3"' '.dir == "s2c" and holds("server_hello")' 'pre_shared_key|ticket' ''
# client authentication only where the server asked for it
rule '.client_auth | not' 'true' '' 'CertificateRequest|asks? for a client certificate|asked for a client certificate'
rule '.client_auth' '.dir == "s2c" and holds("certificate_request")' 'CertificateRequest' ''
# HelloRetryRequest only where there was one
rule '.hrr | not' 'true' '' 'HelloRetryRequest'
rule '.hrr' 'holds("hello_retry_request")' 'HelloRetryRequest' ''
# forward secrecy claims follow the PSK mode
rule '.key_exchange == "psk_ecdhe" or .key_exchange == "psk_dhe"' '.dir == "s2c" and holds("server_hello")' \
	'keeps forward secrecy' 'no forward secrecy'
rule '.key_exchange == "rsa"' 'true' '' '(?<!no )(?<!without )(?<!not of this )(keeps|has|with) forward secrecy'
# post-quantum key exchange: a KEM, not a Diffie-Hellman exchange, with the
# decoded share sizes; no ECDH story where there is no ECDH part
rule '.key_exchange == "ecdhe_mlkem" or .key_exchange == "mlkem"' '.dir == "s2c" and holds("server_hello")' \
	'ciphertext[^.]*decapsulation key|decapsulation key[^.]*ciphertext' 'From the two key shares'
rule '.key_exchange == "ecdhe_mlkem" or .key_exchange == "mlkem"' '.dir == "s2c" and holds("server_hello")' \
	'key schedule is unchanged' 'harvest now, decrypt later[^.]*X25519 alone'
rule '.key_exchange == "mlkem"' 'true' '' 'ordinary Diffie-Hellman|short-lived Diffie-Hellman public key|X25519 share|hybrid'
rule '.key_exchange != "ecdhe_mlkem" and .key_exchange != "mlkem" and ((.offered_shares // "") | test("MLKEM") | not)' \
	'true' '' 'ML-KEM|(?<!none is )post-quantum|encapsulation key'
# a TLS 1.3 ClientHello with classical shares only says so
rule '(.hrr | not) and .offered_tls13 and ((.offered_shares // "") | length > 0) and ((.offered_shares // "") | test("MLKEM") | not)' \
	'holds("client_hello")' 'none is post-quantum' ''
# KeyUpdate stages explain the next generation
rule '(.key_updates_c2s // 0) + (.key_updates_s2c // 0) > 0' 'holds("key_update")' 'traffic upd|next generation' ''

# explain_prog: the RULES table as one jq program.
explain_prog() {
	local i=0 parts=() cond sel
	while [ $i -lt ${#RULES[@]} ]; do
		cond=${RULES[$i]} sel=${RULES[$((i + 1))]}
		local r=$((i / 5))
		parts+=("(\$all | conns[] as \$c | (\$all | lastfacts(\$c)) as \$f |
		  if (\$f | $cond) then (\$all | finals(\$c))[] | select($sel) |
		    {rule: $r, c: \$c, s: ., f: \$f} else empty end)")
		i=$((i + 5))
	done
	local IFS=,
	cat <<EOF
. as \$all | [${parts[*]}] as \$hits | {hits: (\$hits | map(.rule) | unique)} +
result(\$hits | length; "(rule, stage) pairs";
  \$hits[] | . as \$h | \$rules[\$h.rule] as \$rl | (\$h.s | text) as \$t |
  "rule \(\$h.rule + 1) [\(\$rl.cond)] conn \(\$h.c) stage \(\$h.s.number) \"\(\$h.s.title)\"" as \$where |
  (if \$rl.must != "" and (\$t | test(\$rl.must) | not) then "\(\$where): does not say /\(\$rl.must)/" else empty end),
  (if \$rl.mustnot != "" and \$rl.unless == "" and (\$t | test(\$rl.mustnot)) then
     "\(\$where): says /\(\$rl.mustnot)/: '\(\$t | [match(\$rl.mustnot)][0].offset as \$o | .[(if \$o > 80 then \$o - 80 else 0 end):\$o + 80])'" else empty end),
  (if \$rl.mustnot != "" and \$rl.unless != "" then
     \$t | [splits("(?<=[.;:])\\\\s+|\\n")] | .[] | select(test(\$rl.mustnot) and (test(\$rl.unless) | not)) |
     "\(\$where): claims /\(\$rl.mustnot)/: '\(.)'" else empty end))
EOF
}
RULES_JSON=$(i=0; while [ $i -lt ${#RULES[@]} ]; do
	jq -n -c --arg cond "${RULES[$i]}" --arg sel "${RULES[$((i + 1))]}" --arg must "${RULES[$((i + 2))]}" \
		--arg mustnot "${RULES[$((i + 3))]}" --arg unless "${RULES[$((i + 4))]}" '$ARGS.named'
	i=$((i + 5))
done | jq -s -c .)
P_EXPLAIN=$(explain_prog)

# ---- keys: the earliest and latest stage a key may carry ----
# Lower bounds: the message that makes the key possible (RFC 8446 7.1, 7.2,
# 4.2.8; RFC 5246 8.1, 6.3; RFC 7627 4). [dir, message, which occurrence]:
# a number, "N" (the generation in the key's name), "last", or "share" (the
# ClientHello whose key_share carries the public key; a private key goes with
# the public key of the same rank). owner limits a row to keys of that owner.
# The first matching row applies; no row: no bound.
read -r -d '' KEY_RULES <<'EOF'
def key_rules($v; $resumed):
  if $v == "TLS 1.3" then [
    {re: "^(client|server)_handshake_traffic_secret$|^handshake_secret$|^(client|server)_handshake_(traffic_)?(key|iv)$|^(client|server)_finished_key$|^handshake_derived_secret$",
     lo: ["s2c", "server_hello", 1], why: "from the shared secret of the ServerHello's key share (8446 7.1)"},
    {re: "^(client|server)_application_traffic_secret_0$|^exporter_master_secret$|^master_secret$|^(client|server)_application_(traffic_)?(key|iv)(_0)?$",
     lo: ["s2c", "finished", 1], why: "transcript through the server Finished (8446 7.1)"},
    {re: "^resumption_master_secret$", lo: ["c2s", "finished", 1], why: "transcript through the client Finished (8446 7.1)"},
    {re: "^client_application_traffic_(secret|key|iv)_[1-9][0-9]*$", lo: ["c2s", "key_update", "N"], why: "the client's N-th KeyUpdate (8446 7.2)"},
    {re: "^server_application_traffic_(secret|key|iv)_[1-9][0-9]*$", lo: ["s2c", "key_update", "N"], why: "the server's N-th KeyUpdate (8446 7.2)"},
    {re: "^client_ephemeral_(public|private)_key$", lo: ["c2s", "client_hello", "share"], why: "sent in a ClientHello's key_share (8446 4.2.8): the one whose key_share holds it, else the first key the first ClientHello and the last key the last one (after HRR)"},
    {re: "^ecdhe_shared_secret$", owner: "client", lo: ["s2c", "server_hello", 1], why: "the client needs the server's key share (8446 4.2.8)"},
    {re: "^ecdhe_shared_secret$|^server_ephemeral_(public|private)_key$", lo: ["c2s", "client_hello", "last"], why: "the server answers the last ClientHello's group (8446 4.1.4)"}
  ] elif $v == "TLS 1.2" and $resumed then [
    {re: "^key_block$|^(client|server)_write_(key|iv|mac_key)$", lo: ["s2c", "server_hello", 1], why: "key expansion over both randoms (5246 6.3)"}
  ] elif $v == "TLS 1.2" then [
    {re: "^premaster_secret$", owner: "client", lo: ["s2c", "server_hello_done", 1], why: "the client needs the server's flight (5246 7.4.7)"},
    {re: "^premaster_secret$|^master_secret$|^key_block$|^(client|server)_write_(key|iv|mac_key)$|^session_hash$",
     lo: ["c2s", "client_key_exchange", 1], why: "from the premaster secret of ClientKeyExchange (5246 8.1, 7627 4)"},
    {re: "^client_ephemeral_(public|private)_key$", lo: ["s2c", "server_key_exchange", 1], why: "on the curve the ServerKeyExchange names (8422 5.4)"},
    {re: "^server_ephemeral_(public|private)_key$", lo: ["c2s", "client_hello", 1], why: "a group the ClientHello offered (8422 5.1)"}
  ] else [] end;
# Upper bounds: a traffic key exists before the first message it protects.
# [dir, after]: the first decoded message of dir after `after` (null: the
# first encrypted one of dir).
def key_uses($v; $resumed):
  if $v == "TLS 1.3" then [
    {re: "^server_handshake_(traffic_secret|key|iv|traffic_key|traffic_iv)$", hi: ["s2c", null]},
    {re: "^client_handshake_(traffic_secret|key|iv|traffic_key|traffic_iv)$", hi: ["c2s", null]},
    {re: "^server_application_(traffic_secret_0|key|iv|traffic_key_0|traffic_iv_0)$", hi: ["s2c", "finished"]},
    {re: "^client_application_(traffic_secret_0|key|iv|traffic_key_0|traffic_iv_0)$", hi: ["c2s", "finished"]}
  ] else [
    {re: "^server_write_(key|iv|mac_key)$", hi: ["s2c", null]},
    {re: "^client_write_(key|iv|mac_key)$", hi: ["c2s", null]},
    {re: "^master_secret$|^key_block$", hi: [(if $resumed then "s2c" else "c2s" end), null]}
  ] end;
EOF

read -r -d '' P_KEYS <<'EOF'
. as $all | ($all | staged) as $ev |
[conns[] as $c | ($all | lastfacts($c)) as $f |
  [$ev[] | select(.conn == $c and .type == "handshake") |
   {dir, msg, stage: ._stage, shares: [(.fields // [])[] | select(.name == "key_exchange") | .value]}] as $occ |
  [$ev[] | select(.conn == $c and .type == "key")] as $keys |
  $keys | to_entries[] | .key as $i | .value as $k |
  ([$keys[:$i][] | select(.name == $k.name and .owner == $k.owner)] | length) as $seq |
  ([$keys[$i + 1:][] | select(.name == $k.name and .owner == $k.owner)] | length == 0) as $is_last |
  (key_rules($f.version; $f.resumed // false) | map(select(.owner == null or .owner == $k.owner)) |
   map(select(. as $r | $k.name | test($r.re))) | first) as $rule |
  (if $seq > 0 then null else key_uses($f.version; $f.resumed // false) | map(select(. as $r | $k.name | test($r.re))) | first end) as $use |
  ($rule.lo // null) as $lo |
  (if $lo == null then null else
    [$occ[] | select(.dir == $lo[0] and .msg == $lo[1])] as $o |
    (if $lo[2] == "N" then ($k.name | capture("_(?<n>[0-9]+)$").n | tonumber)
     elif $lo[2] == "last" then ($o | length)
     elif $lo[2] == "share" then
       ([$keys[] | select(.name == ($k.name | sub("private"; "public")) and .owner == $k.owner)] | .[$seq].value) as $pub |
       ($o | map(.shares | index([$pub]) != null) | index(true)) as $hit |
       (if $pub != null and $hit != null then $hit + 1 elif $is_last then ($o | length) else 1 end)
     else $lo[2] end) as $nth |
    {nth: $nth, stage: (if $nth >= 1 then $o[$nth - 1].stage else null end)} end) as $need |
  ($use.hi // null) as $hi |
  (if $hi == null then null else
    ([$ev[] | select(.conn == $c and .dir == $hi[0] and .type == "handshake" and .msg == $hi[1])] | first | .seq) as $after |
    [$ev[] | select(.conn == $c and .dir == $hi[0] and ._stage != null and
       (if $hi[1] == null then (.type == "handshake" or .type == "alert") and .encrypted == true
        else $after != null and .seq > $after and (.type == "handshake" or .type == "alert" or .type == "app_data") end))] | first end) as $first_use |
  {c: $c, k: $k, f: $f, rule: $rule, lo: $lo, need: $need, first_use: $first_use}] as $rows |
result($rows | length; "keys";
  $rows[] | "conn \(.c) \(.f.version // "?") key \(.k.name) [\(.k.owner)] stage \(.k.stage)" as $where |
  (if .k.stage == null then "\($where): no stage" else empty end),
  (if .lo != null and .k.stage != null then
     (if .need.stage == null then "\($where): needs the \(.lo[0]) \(.lo[1]) #\(.need.nth) (\(.rule.why)), never decoded"
      elif .k.stage < .need.stage then "\($where): earlier than stage \(.need.stage), which holds the \(.lo[0]) \(.lo[1]) #\(.need.nth) that makes it possible (\(.rule.why))"
      else empty end) else empty end),
  (if .first_use != null and .k.stage != null and .k.stage > .first_use._stage then
     "\($where): later than stage \(.first_use._stage), whose \(.first_use.dir) \(.first_use.msg // .first_use.desc_name // .first_use.type) it protects" else empty end))
EOF

# ---- live: plan titles, lost flights ----
read -r -d '' P_LIVE <<'EOF'
. as $all | [$all[] | select(.type == "connection" and .source != "file") | .conn] as $live |
[$all[] | select(.type == "stage" and (.final | not) and (.conn as $c | $live | index([$c]))) ] as $begins |
result($begins | length; "planned stages";
  ($begins[] | . as $b | ($all | finals($b.conn) | map(select(.number == $b.number)) | first) as $f |
   if $b.title == null then "conn \($b.conn) stage \($b.number): begin event without the plan's title"
   elif $f == null then "conn \($b.conn) stage \($b.number): no final event"
   elif $f.title != $b.title then "conn \($b.conn) stage \($b.number): planned \"\($b.title)\", final \"\($f.title)\" (messages \($f.messages))"
   else empty end),
  ($all[] | select(.type == "note" and .level == "warning" and (.text | test("did not go out"))) | "warning note: \(.text)"))
EOF

# ---- the eavesdropper run ----

# eve-events: nothing only a key holder sees.
read -r -d '' P_EVE_EVENTS <<'EOF'
result(length; "events";
  (.[] | select(.type == "key") | "a key event: \(.name) (seq \(.seq))"),
  (.[] | select(.type == "app_data") | "an app_data event (seq \(.seq))"),
  (.[] | select(.type == "handshake" and .encrypted == true) | "an encrypted handshake message: \(.msg) (seq \(.seq))"),
  (.[] | select(.type == "alert" and .encrypted == true) | "an encrypted alert: \(.desc_name) (seq \(.seq))"),
  (.[] | select(.type == "record" and (.decrypted == true or .auth_failed == true)) | "record seq \(.seq) decrypted \(.decrypted) auth_failed \(.auth_failed)"),
  (.[] | select(.type == "stage" and (.final | not) and (.title != null or .messages != null or .explain != null)) |
   "conn \(.conn) stage \(.number): a begin event with the insider's plan: \(.title)"),
  (.[] | select(.type == "facts" and .version == "TLS 1.3" and
     (.client_auth == true or .certificate != null or (.alerts // 0) > 0 or .fatal_alert != null or
      (.key_updates_c2s // 0) > 0 or (.key_updates_s2c // 0) > 0)) |
   "conn \(.conn): TLS 1.3 facts reveal what travelled encrypted: client_auth \(.client_auth) certificate \(.certificate) alerts \(.alerts) fatal \(.fatal_alert) key_updates \(.key_updates_c2s)/\(.key_updates_s2c)"))
EOF

# eve-names: no stage text names a message that travelled only encrypted
# ($ins: the insider run of the same input).
read -r -d '' P_EVE_NAMES <<'EOF'
. as $all |
($ins[0] | [.[] | select(.conn != null and (.type == "handshake" or .type == "alert")) |
  {conn, name: (if .type == "handshake" then .msg else .desc_name end), enc: .encrypted}] |
  group_by(.conn) | map({key: (.[0].conn | tostring),
    value: ([.[] | select(.enc) | .name] - [.[] | select(.enc | not) | .name] | unique)}) | from_entries) as $hidden |
[$all[] | select(.type == "stage")] as $st |
result($st | length; "stage events";
  $st[] | . as $s | ($hidden[$s.conn | tostring] // [])[] as $n |
  ([$n, ($n | camel)] | map("\\b" + . + "\\b") | join("|")) as $re |
  ([$s.title, $s.eve_title, $s.explain[]?, $s.eavesdropper, $s.name, $s.messages[]?, $s.eve_messages[]?] |
   map(select(. != null and test($re)))) as $bad |
  if ($bad | length) > 0 then "conn \($s.conn) stage \($s.number): names \($n), which travelled encrypted: \($bad[0])" else empty end)
EOF

# eve-notes: the notes and errors a session or replay adds while it runs
# (not the scenario's own lesson text, "scenario NAME: ...") tell an
# eavesdropper nothing the wire does not: no key name, no tag-check verdict, no
# name of a message that travelled only encrypted (a sentence that says it was
# absent is fine: "no Certificate").
read -r -d '' P_EVE_NOTES <<'EOF'
. as $all |
($ins[0] | [.[] | select(.type == "handshake" or .type == "alert") |
  {name: (if .type == "handshake" then .msg else .desc_name end), enc: .encrypted}] |
  ([.[] | select(.enc) | .name] - [.[] | select(.enc | not) | .name] | unique)) as $hidden |
($ins[0] | [.[] | select(.type == "key") | .name] | unique) as $keys |
[$all[] | select((.type == "note" and (.text // "" | startswith("scenario ") | not)) or .type == "error")] as $notes |
result($notes | length; "notes and errors";
  $notes[] | . as $m | (.text // "") as $t |
  ([$t | splits("(?<=[.;:])\\s+")] ) as $sentences |
  (($keys[] | select(. as $k | $t | test("\\b" + $k + "\\b"))) | "\($m.type) names the key \(.): \($t)"),
  (if $t | test("(?i)authentication check fail|bad_record_mac|tag mismatch|did not authenticate|auth_failed") then
     "\($m.type) tells a tag-check verdict: \($t)" else empty end),
  ($hidden[] as $n | ([$n, ($n | camel)] | map("\\b" + . + "\\b") | join("|")) as $re |
   $sentences[] | select(test($re) and (test("\\b([Nn]o|not|without|never)\\b") | not)) |
   "\($m.type) names \($n), which travelled encrypted: \(.)"))
EOF

# eve-messages: the eavesdropper stage lists equal the cleartext events in them.
read -r -d '' P_EVE_MESSAGES <<'EOF'
. as $all | ($all | staged) as $ev |
[conns[] as $c | ($all | finals($c))[] | . as $s |
  {c: $c, s: $s, want: [$ev[] | select(.conn == $c and ._stage == $s.number) | tok_of_event],
   got: ((.messages // []) | msgs_only),
   title: (.title // "" | eve_title_items | map(eve_item_token) | map(select(. != "#none")))}] as $rows |
result($rows | length; "stages";
  ($rows[] | select(.got != .want) | "conn \(.c) stage \(.s.number) \"\(.s.title)\": messages \(.s.messages), cleartext decoded in the stage \(.want)"),
  ($rows[] | select(.title != (.s.messages // [])) | "conn \(.c) stage \(.s.number): title \"\(.s.title)\" reads \(.title), messages \(.s.messages)"),
  ($rows[] | select(.s.title != .s.eve_title) | "conn \(.c) stage \(.s.number): title \"\(.s.title)\" is not eve_title \"\(.s.eve_title)\""))
EOF

# eve-stages: the same stages as the insider's run (conn, number, direction).
read -r -d '' P_EVE_STAGES <<'EOF'
def key: [.[] | select(.type == "stage" and .final) | [.conn, .number, .dir]] | sort;
(key) as $got | ($ins[0] | key) as $want |
result($got | length; "stages";
  if $got != $want then "stages \($got | map(map(tostring) | join("/")) | join(" ")), the insider run has \($want | map(map(tostring) | join("/")) | join(" "))" else empty end)
EOF

# eve_secrets INPUT EVE_FILE SECRETS_FILE: no secret hex string and no
# plaintext (SECRETS_FILE: one fixed string a line) appears in the eve output.
eve_secrets() {
	local input=$1 file=$2 secrets=$3 n hits
	n=$(grep -c . "$secrets" || true)
	N_EVE=$((N_EVE + 1))
	if [ "$n" -eq 0 ]; then
		fail "$input: eve-secrets: nothing to look for (no keys or plaintext in the insider run)"
		return
	fi
	hits=$(grep -o -i -F -f "$secrets" "$file" | sort -u | head -5)
	if [ -z "$hits" ]; then
		pass "$input: eve-secrets ($n key values and plaintexts absent)"
	else
		while read -r h; do echo "    $input: eve-secrets: the eavesdropper output holds '${h:0:80}' (line $(grep -n -i -F -m1 -- "$h" "$file" | cut -d: -f1))" >&2; done <<<"$hits"
		fail "$input: eve-secrets: a key or plaintext in the eavesdropper view"
	fi
}

# Plaintexts every input's HTTP exchange carries (and their hex).
plain_marks() {
	printf '%s\n' 'GET /' 'HTTP/1.1 200' 'HTTP/1.0 200' 'hello.txt' '474554202f' '485454502f312e' \
		'2f68656c6c6f2e747874'
}

# secrets_of INSIDER_JSON: the key values (16 bytes or more; public keys travel
# in the clear and are left out) and app_data plaintexts of a run.
secrets_of() {
	jq -r 'select(.type == "key" and (.name | test("public") | not) and (.value // "" | length) >= 32) | .value' "$1"
	jq -r 'select(.type == "app_data" and (.hex // "" | length) >= 16) | .hex' "$1"
	plain_marks
}

# STORY: the checks of every insider run.
STORY=(numbering "$P_NUMBERING" titles "$P_TITLES" messages "$P_MESSAGES" explain "$P_EXPLAIN")
EVE=(eve-events "$P_EVE_EVENTS" eve-names "$P_EVE_NAMES" eve-notes "$P_EVE_NOTES" eve-messages "$P_EVE_MESSAGES"
	eve-stages "$P_EVE_STAGES")

# replay OUT ARGS...: tlsviz replay in batch JSON mode into OUT.
replay() {
	local out=$1
	shift
	timeout 60 "$TLSVIZ" replay "$@" --batch --json >"$out" 2>"$out.err"
}

# tshark_frames FILE KIND KEY OUT: tshark's handshake types per frame, as
# {"frame": [types]} into OUT, and per connection port and direction as
# [{port, dir, types}] into OUT.conns.
tshark_frames() {
	local opts ports
	mapfile -t opts < <(oracle_tshark_opts "$2" "${3:-}")
	ports=$(oracle_tshark_ports "$1" | awk '{print $2}' | paste -sd' ')
	tshark -r "$1" "${opts[@]}" -Y 'tls.handshake.type' -T fields -E occurrence=a -E separator=/t \
		-e frame.number -e tcp.srcport -e tcp.dstport -e tls.handshake.type 2>/dev/null >"$4.tsv"
	jq -R -s -c 'split("\n") | map(select(length > 0) | split("\t")) |
		map({key: .[0], value: (.[3] | split(",") | map(tonumber))}) | from_entries' "$4.tsv" >"$4"
	jq -R -s -c --arg ports "$ports" '($ports | split(" ")) as $p | split("\n") | map(select(length > 0) | split("\t")) |
		map(.[1] as $src | .[2] as $dst | (.[3] | split(",") | map(tonumber)) as $t |
		    if ($p | index([$src])) != null then {port: $src, dir: "c2s", types: $t}
		    elif ($p | index([$dst])) != null then {port: $dst, dir: "s2c", types: $t}
		    else empty end)' "$4.tsv" >"$4.conns"
}

# ---- captures ----
check_capture() {
	local name=$1 f=$CAP/$1.pcapng kind key args
	if [[ $RSA_ONLY == *" $name "* ]]; then
		kind=rsa key=$RSA_KEY args=(--rsa-key "$RSA_KEY")
	else
		kind=keylog key=$CAP/$name.keys args=(--keylog "$CAP/$name.keys")
	fi
	local j=$T_TMP/$name.json j0=$T_TMP/$name.nokey.json je=$T_TMP/$name.eve.json
	if [[ $NO_KEYS == *" $name "* ]]; then
		kind=none key= args=()
	fi
	# with the keys
	if ! replay "$j" "$f" "${args[@]}"; then
		[[ $name == tampered-* ]] || fail "$name: replay ${args[*]} exited non-zero: $(head -c 300 "$j.err")"
	fi
	tshark_frames "$f" "$kind" "$key" "$T_TMP/$name.ts"
	N_INPUTS=$((N_INPUTS + 1))
	jchecks "$name+$kind" "$j" --argjson rules "$RULES_JSON" --slurpfile ts "$T_TMP/$name.ts" \
		--slurpfile tsl "$T_TMP/$name.ts.conns" -- "${STORY[@]}" keys "$KEY_RULES $P_KEYS" \
		packets "$P_PACKETS" tshark-stages "$P_TSHARK_STAGES" tshark-conns "$P_TSHARK_CONNS"
	# without keys
	replay "$j0" "$f" || [[ $name == tampered-* ]] || fail "$name: replay without keys exited non-zero"
	tshark_frames "$f" none "" "$T_TMP/$name.ts0"
	N_INPUTS=$((N_INPUTS + 1))
	jchecks "$name+nokey" "$j0" --argjson rules "$RULES_JSON" --slurpfile ts "$T_TMP/$name.ts0" \
		--slurpfile tsl "$T_TMP/$name.ts0.conns" -- "${STORY[@]}" \
		packets "$P_PACKETS" tshark-stages "$P_TSHARK_STAGES" tshark-conns "$P_TSHARK_CONNS"
	# the eavesdropper view of the run with keys
	replay "$je" "$f" "${args[@]}" --view eavesdropper || [[ $name == tampered-* ]] ||
		fail "$name: replay --view eavesdropper exited non-zero"
	N_INPUTS=$((N_INPUTS + 1))
	jq -s -c . "$j" >"$j.all"
	jchecks "$name+$kind" "$je" --slurpfile ins "$j.all" -- "${EVE[@]}"
	secrets_of "$j" >"$T_TMP/$name.secrets"
	eve_secrets "$name+$kind" "$je" "$T_TMP/$name.secrets"
}

n=0
for f in "$CAP"/*.pcapng; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	check_capture "$(basename "$f" .pcapng)"
done
[ $n -ge 18 ] || fail "only $n captures found in $CAP"

# ---- live scenarios: the list is tlsviz's own (--help) ----
mapfile -t SCENARIOS < <("$TLSVIZ" --help | sed -n '/^Scenarios/,/^$/p' | sed -n 's/^  \([a-z0-9-]*\)  .*/\1/p')
[ ${#SCENARIOS[@]} -ge 10 ] && pass "${#SCENARIOS[@]} live scenarios listed by --help" ||
	fail "only ${#SCENARIOS[@]} scenarios in --help: ${SCENARIOS[*]}"

# stage_list FILE: "conn number title" of every final stage, sorted.
stage_list() {
	jq -r 'select(.type == "stage" and .final) | "\(.conn) \(.number) \(.title)"' "$1" | sort -n -k1,1 -k2,2
}

for sc in "${SCENARIOS[@]}"; do
	for run in 1 2; do
		j=$T_TMP/live-$sc.$run.json
		timeout 120 "$TLSVIZ" live --scenario "$sc" --batch --json >"$j" 2>"$j.err" ||
			fail "live $sc run $run: exit $? ($(head -c 300 "$j.err"))"
		N_INPUTS=$((N_INPUTS + 1))
		jchecks "live:$sc#$run" "$j" --argjson rules "$RULES_JSON" -- "${STORY[@]}" keys "$KEY_RULES $P_KEYS" \
			live-plan "$P_LIVE"
	done
	if diff <(stage_list "$T_TMP/live-$sc.1.json") <(stage_list "$T_TMP/live-$sc.2.json") >"$T_TMP/live-$sc.diff"; then
		pass "live:$sc: two runs, the same $(stage_list "$T_TMP/live-$sc.1.json" | grep -c .) (number, title) pairs"
	else
		sed "s|^|    live:$sc: run 1 (<) vs run 2 (>): |" "$T_TMP/live-$sc.diff" | head -20 >&2
		fail "live:$sc: two runs differ in their stages"
	fi
	# the eavesdropper: a third run, its own secrets from its key log
	je=$T_TMP/live-$sc.eve.json
	rm -f "$T_TMP/live-$sc.eve.keys"
	timeout 120 "$TLSVIZ" live --scenario "$sc" --batch --json --view eavesdropper \
		--keylog "$T_TMP/live-$sc.eve.keys" >"$je" 2>"$je.err" || fail "live $sc --view eavesdropper: exit $?"
	N_INPUTS=$((N_INPUTS + 1))
	jq -s -c . "$T_TMP/live-$sc.1.json" >"$T_TMP/live-$sc.1.all"
	jchecks "live:$sc" "$je" --slurpfile ins "$T_TMP/live-$sc.1.all" -- "${EVE[@]}"
	{
		awk 'NF >= 3 && $1 !~ /^#/ && length($3) >= 32 { print $3 }' "$T_TMP/live-$sc.eve.keys" 2>/dev/null
		plain_marks
	} >"$T_TMP/live-$sc.secrets"
	[ -s "$T_TMP/live-$sc.eve.keys" ] || fail "live:$sc: --keylog wrote no key log for the eavesdropper run"
	eve_secrets "live:$sc" "$je" "$T_TMP/live-$sc.secrets"
done

# every explain rule met some stage: a rule that never applies checks nothing
unused=$(for ((r = 0; r < ${#RULES[@]} / 5; r++)); do grep -qx "$r" "$T_TMP/rule-hits" 2>/dev/null || echo $((r + 1)); done | paste -sd' ')
[ -z "$unused" ] && pass "each of the $((${#RULES[@]} / 5)) explain rules applied to some stage" ||
	fail "explain rules never applied to any stage: $unused"

echo "story oracle: $N_INPUTS runs, $N_STAGES stages, $N_KEYS keys, $N_EVE eavesdropper checks"
done_tests
