#!/usr/bin/env bash
# The TUI says what the story model (src/engine/story*.c) says, checked on the
# screen at 120x40 the way a workshop presenter would:
#  (a) static-RSA replay: the server flight's Explain does not claim a
#      ServerKeyExchange and says the textbook story is true here;
#  (b) eavesdropper view of a live TLS 1.3 session: no ladder row names
#      Certificate, EncryptedExtensions, HTTP or NewSessionTicket (and the
#      insider view of the same session does name them);
#  (c) "stage K of N": N is the same at every step of a default live session,
#      equals the last stage reached and the stages a batch run of the same
#      session reports;
#  (d) tamper: the stage with the flipped record is not "HTTP response";
#      resumption: the second connection's server flight has no Certificate
#      (the first one's has);
#  (e) keyupdate: each KeyUpdate stage has its explanation;
#  (f) back at stage 2 of a live TLS 1.3 session the Keys pane lists no
#      server_application_traffic_secret_0 (at the last stage it does);
#  (g) forward-secrecy: the connection picker labels part A and part B and
#      lists each connection once;
#  (h) stepping live, while the client's Finished (#4) is held, the server's
#      flight (stage 3) is complete and its Explain is on screen.
# Every wait has a deadline; no step relies on a fixed sleep.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need tmux timeout
trap 'tui_stop; rm -rf "$T_TMP"' EXIT
CAP=$TLSVIZ_SRC/captures

# stage_of: "N" of the status line's "stage K of N", or "".
stage_of() { tui_status | sed -En 's/.*stage [0-9]+ of ([0-9]+).*/\1/p'; }
# stage_no: "K" of it.
stage_no() { tui_status | sed -En 's/.*stage ([0-9]+) of [0-9]+.*/\1/p'; }
# held_no: the number of the stage held at its gate (bottom line), or "".
held_no() { tui_bottom | sed -En 's/^HELD before: #([0-9]+) .*/\1/p'; }
# next_held OLD: another stage than OLD is held, or the session finished.
next_held() {
	local b m
	b=$(tui_bottom)
	grep -Eq '^finished|session is finished' <<<"$b" && return 0
	m=$(sed -En 's/^HELD before: #([0-9]+) .*/\1/p' <<<"$b")
	[ -n "$m" ] && [ "$m" != "$1" ]
}
# joined TEXT: wrapped rows as one line.
joined() { tr '\n' ' ' | tr -s ' '; }
# run_to_end ARGS...: start a live session, c runs it to the end.
run_to_end() {
	tui_start "$@" || return 1
	tui_keys c
	wait_screen 90 '^finished' || { fail "session did not finish ($*): $(tui_bottom)"; return 1; }
	tui_settle
}
# ladder_rows: every row of the zoomed Stages pane, from its first row and from its last.
ladder_rows() {
	tui_focus Stages
	tui_keys z; tui_settle
	tui_keys g; tui_settle
	tui_inner
	tui_keys G; tui_settle
	tui_inner
	tui_keys z; tui_settle
}

## (a) the seed's story: static RSA with only the server's key
if tui_start replay "$CAP/tls12-rsa-aes128gcm.pcapng" --rsa-key "$CAP/rsa-server.key"; then
	wait_screen 20 'indexed 100 %' || fail "(a) replay did not finish indexing"
	tui_goto_stage 3 15 || fail "(a) cannot reach stage 3: $(tui_status)"
	head=$(explain_head)
	grep -q 'Stage 3 of [0-9]*: ServerHello, Certificate' <<<"$head" && pass "(a) stage 3 is the server flight: $head" ||
		fail "(a) stage 3 Explain heading: '$head'"
	ex=$(tui_pane_text Explain | joined)
	grep -q 'RSA' <<<"$ex" || fail "(a) no Explain text read: '${ex:0:200}'"
	# "there is no ServerKeyExchange" states a decoded fact; anything else claims one
	if sed 's/no ServerKeyExchange//g' <<<"$ex" | grep -q 'ServerKeyExchange'; then
		fail "(a) the RSA server flight's Explain mentions a ServerKeyExchange: $(grep -o '.\{60\}ServerKeyExchange.\{40\}' <<<"$ex" | head -2)"
	else
		pass "(a) the RSA server flight's Explain claims no ServerKeyExchange"
	fi
	if grep -qi 'textbook story' <<<"$ex" && grep -q 'static RSA' <<<"$ex" && ! grep -q 'did not use it' <<<"$ex"; then
		pass "(a) Explain says the textbook story (static RSA) is true here"
	else
		fail "(a) Explain does not say the textbook story is true here: '${ex:0:400}'"
	fi
	tui_stop
fi

## (c), (b), (f): a default live TLS 1.3 session, stepped with n to the end
if tui_start live --capture tap; then
	wait_screen 20 'HELD before: #1 ' || fail "(c) nothing held at start: $(tui_bottom)"
	ofs=""
	checked=""
	for i in $(seq 40); do
		tui_settle
		n=$(stage_of)
		[ -n "$n" ] && ofs="$ofs $n"
		# (h) held before #4: the server's flight (stage 3) is complete and explained
		if [ -z "$checked" ] && [ "$(held_no)" = 4 ]; then
			checked=1
			back=""
			[ "$(stage_no)" = 4 ] && { tui_press p 5; back=1; }
			ex=$(tui_left | sed -n '/Explain/,$p' | joined)
			if grep -q 'Stage 3 of' <<<"$ex" && grep -q 'key share' <<<"$ex" && ! grep -q 'Under way' <<<"$ex"; then
				pass "(h) held before #4, stage 3's Explain is there"
			else
				fail "(h) held before #4, stage 3's Explain: '${ex:0:300}'"
			fi
			[ -n "$back" ] && tui_press n 5
		fi
		tui_bottom | grep -Eq '^finished|session is finished' && break
		h=$(held_no)
		tui_keys n
		wait_for 20 next_held "$h" || { fail "(c) nothing new after n at held #$h: $(tui_bottom)"; break; }
	done
	[ -n "$checked" ] || fail "(h) never held before #4"
	wait_screen 20 '^finished|session is finished' || fail "(c) the session did not finish: $(tui_bottom)"
	tui_settle
	last=$(stage_no)
	final=$(stage_of)
	distinct=$(tr ' ' '\n' <<<"$ofs" | sed '/^$/d' | sort -u)
	steps=$(wc -w <<<"$ofs")
	if [ "$steps" -ge 8 ] && [ "$(wc -l <<<"$distinct")" -eq 1 ] && [ "$distinct" = "$final" ] && [ "$last" = "$final" ]; then
		pass "(c) 'of $final' at all $steps steps, and the last stage is $last"
	else
		fail "(c) of N changed or disagrees: seen '$ofs', last stage $last, final of $final"
	fi
	batch=$(timeout 60 "$TLSVIZ" live --batch --json --capture tap 2>/dev/null | grep '"type":"stage"' | grep -c '"final":true')
	[ "$batch" = "$final" ] && pass "(c) a batch run of the same session has $batch stages too" ||
		fail "(c) batch run: $batch stages, TUI: $final"

	# (b) the insider ladder names the encrypted messages (so the eavesdropper check below can fail)
	rows=$(ladder_rows)
	for want in 'Certificate' 'EncryptedExtensions' 'HTTP' 'NewSessionTicket'; do
		grep -q "$want" <<<"$rows" || fail "(b) insider ladder lacks $want: $(head -12 <<<"$rows")"
	done
	tui_press e 5
	wait_screen 5 '\| eavesdropper \|' || fail "(b) e: status line does not say eavesdropper"
	rows=$(ladder_rows)
	grep -q 'encrypted' <<<"$rows" && grep -q 'ClientHello' <<<"$rows" || fail "(b) eavesdropper ladder not read: $(head -5 <<<"$rows")"
	bad=$(grep -Ei 'certificate|encrypted_?extensions|http|new_?session_?ticket' <<<"$rows")
	[ -z "$bad" ] && pass "(b) the eavesdropper's ladder names no encrypted message, no HTTP, no NewSessionTicket" ||
		fail "(b) eavesdropper ladder shows: $bad"
	tui_match 'An eavesdropper has no keys' && ! tui_match 'traffic_secret' &&
		pass "(b) the Keys pane says an eavesdropper has no keys" || fail "(b) Keys pane in the eavesdropper view"
	tui_press e 5

	# (f) the Keys pane as of a stage
	keys=$(tui_pane_text Keys)
	grep -q '● server_application_traffic_secret_0' <<<"$keys" || fail "(f) the last stage lacks server_application_traffic_secret_0"
	tui_goto_stage 2 20 || fail "(f) p does not reach stage 2: $(tui_status)"
	keys=$(tui_pane_text Keys)
	grep -q 'as of stage 2' <<<"$keys" && grep -q '● client_ephemeral_public_key' <<<"$keys" ||
		fail "(f) Keys pane at stage 2 not read: $(head -5 <<<"$keys")"
	grep -q 'server_application_traffic_secret_0' <<<"$keys" &&
		fail "(f) stage 2 lists server_application_traffic_secret_0" ||
		pass "(f) back at stage 2 the Keys pane has no server_application_traffic_secret_0"
	tui_stop
fi

## (d) tamper: the stage that holds the flipped record
if run_to_end live --scenario tamper --capture tap; then
	tui_focus Stages
	tui_keys g; tui_settle
	for i in $(seq 80); do
		tui_right | grep -q 'flipped in transit @' && break
		tui_keys j; tui_settle
	done
	if tui_right | grep -q 'flipped in transit @'; then
		head=$(explain_head)
		k=$(stage_no)
		grep -q "^Stage $k of" <<<"$head" || fail "(d) Explain heading '$head' is not stage $k"
		grep -q 'HTTP response' <<<"$head" && fail "(d) the flipped record's stage is titled HTTP response: $head" ||
			pass "(d) tamper: the flipped record's stage is '$head'"
	else
		fail "(d) tamper: no record with the flipped byte found"
	fi
	tui_stop
fi
## (d) resumption: no Certificate in the second connection's server flight
if run_to_end live --scenario resumption --capture tap; then
	tui_keys C
	wait_screen 5 '\* #2 ' && pass "(d) resumption: the second connection is selected" || fail "(d) picker: $(tui_screen | grep '#1 ')"
	tui_keys Escape; tui_settle
	tui_goto_stage 3 15 || fail "(d) cannot reach stage 3"
	head=$(explain_head)
	rows=$(ladder_rows | sed -n '/─ 3 /,/─ 4 /p')
	grep -q 'ServerHello' <<<"$head" && ! grep -qi 'certificate' <<<"$head$rows" &&
		pass "(d) resumption: the second server flight has no Certificate ($head)" ||
		fail "(d) resumption: second server flight: $head / $(grep -i certificate <<<"$rows")"
	tui_keys C; wait_screen 5 'Connections'
	tui_keys Enter; tui_settle # the cursor starts on #1
	tui_goto_stage 3 15 || fail "(d) connection 1: cannot reach stage 3"
	grep -q 'Certificate' <<<"$(explain_head)" && pass "(d) resumption: the first server flight has a Certificate" ||
		fail "(d) connection 1 stage 3: $(explain_head)"
	tui_stop
fi

## (e) keyupdate: the KeyUpdate stages are explained
if run_to_end live --scenario keyupdate --capture tap; then
	found=0
	for i in $(seq 20); do
		head=$(explain_head)
		if grep -Eq '^Stage [0-9]+ of [0-9]+: KeyUpdate$' <<<"$head"; then
			found=$((found + 1))
			ex=$(tui_pane_text Explain | joined)
			grep -Eq 'KeyUpdate \(update_(not_)?requested\)' <<<"$ex" && ! grep -q 'Under way' <<<"$ex" &&
				pass "(e) $head is explained" || fail "(e) $head has no explanation: '${ex:0:200}'"
		fi
		[ "$(stage_no)" = 1 ] && break
		tui_press p 5 || break
	done
	[ "$found" -ge 2 ] && pass "(e) keyupdate: $found KeyUpdate stages" || fail "(e) keyupdate: $found KeyUpdate stages seen"
	tui_stop
fi

## --view eavesdropper: the TUI starts in the eavesdropper view
if tui_start live --view eavesdropper --capture tap; then
	tui_match '\| eavesdropper \|' && pass "--view eavesdropper: the TUI starts in the eavesdropper view" ||
		fail "--view eavesdropper: $(tui_status)"
	tui_stop
fi

## (g) forward secrecy: the picker labels the thief's two parts
if run_to_end live --scenario forward-secrecy --capture tap; then
	tui_keys C
	wait_screen 5 'Connections \(enter' || fail "(g) C opens no picker"
	pick=$(tui_screen | grep -E '│ [* ] #[0-9]+ ' | sed -E 's/.*│ [* ] (#[0-9]+) +/\1 /; s/  .*//')
	grep -q '^#2 part A: static RSA capture, server key only' <<<"$pick" && pass "(g) #2 is labelled part A" ||
		fail "(g) no part A label: $pick"
	grep -q '^#3 part B: this session, server key only' <<<"$pick" && pass "(g) #3 is labelled part B" ||
		fail "(g) no part B label: $pick"
	[ "$(wc -l <<<"$pick")" -eq 3 ] && [ "$(cut -d' ' -f1 <<<"$pick" | sort -u | wc -l)" -eq 3 ] &&
		[ "$(sort -u <<<"$pick" | wc -l)" -eq 3 ] && pass "(g) the picker lists each of the 3 connections once" ||
		fail "(g) picker rows: $pick"
	tui_stop
fi
done_tests
