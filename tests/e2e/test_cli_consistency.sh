#!/usr/bin/env bash
# One CLI (issue 13): every bad input gives the same exit status and the same
# message in batch and in the TUI (run in tmux, its exit status and standard
# error collected once it has exited); --json implies --batch; L and s in the
# TUI say exactly what happened, and s saves a replay with the keys loaded.
. "$(dirname "$0")/lib.sh"
need tmux tshark

CAP=$TLSVIZ_SRC/captures/tls13-aes128gcm.pcapng
KEYS=$TLSVIZ_SRC/captures/tls13-aes128gcm.keys
mkdir -p "$T_TMP/adir"

# tui_exit NAME ARGS...: run tlsviz ARGS in the TUI; wait (with a deadline)
# until it exits; $T_TMP/NAME.rc and NAME.err hold its status and stderr.
tui_exit() {
  local n=$1; shift
  rm -f "$T_TMP/$n.rc"
  tui_tm kill-server 2>/dev/null
  TUI_N=$((TUI_N + 1))
  TUI_SOCK="tlsviz-cli-$$-$TUI_N"
  tui_tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP" \
    "env -i PATH=$PATH HOME=$T_TMP TERM=screen LANG=C.UTF-8 $TLSVIZ $* 2>$T_TMP/$n.err; echo \$? >$T_TMP/$n.rc; sleep 30"
  wait_for 30 test -s "$T_TMP/$n.rc" || { tui_keys q; wait_for 5 test -s "$T_TMP/$n.rc"; }
  tui_stop
  [ -s "$T_TMP/$n.rc" ]
}

# row NAME STATUS REGEX ARGS...: batch and TUI both exit STATUS, with the same
# first line of standard error, matching REGEX.
row() {
  local n=$1 want=$2 re=$3 brc b t; shift 3
  timeout 60 "$TLSVIZ" "$@" --batch >/dev/null 2>"$T_TMP/$n.berr" </dev/null; brc=$?
  b=$(head -1 "$T_TMP/$n.berr")
  [ "$brc" -eq "$want" ] || { fail "$n: batch exits $brc, want $want ($b)"; return; }
  grep -Eq -- "$re" <<<"$b" || { fail "$n: batch says '$b', want /$re/"; return; }
  tui_exit "$n" "$@" || { fail "$n: the TUI did not exit within 30 s"; return; }
  t=$(head -1 "$T_TMP/$n.err")
  [ "$(cat "$T_TMP/$n.rc")" -eq "$want" ] || { fail "$n: TUI exits $(cat "$T_TMP/$n.rc"), batch $want ($t)"; return; }
  [ "$t" = "$b" ] || { fail "$n: TUI says '$t', batch '$b'"; return; }
  pass "$n: exit $want in both, '$b'"
}

row missing-capture 2 '^tlsviz: /nonexistent\.pcapng: No such file' replay /nonexistent.pcapng
row not-a-capture 2 '^tlsviz: /etc/passwd: not a pcap or pcapng file' replay /etc/passwd
row directory 2 'adir: is a directory' replay "$T_TMP/adir"
row missing-keylog 2 '^tlsviz: key log /nonexistent: No such file' replay "$CAP" --keylog /nonexistent
row hrr-group 2 '--scenario hrr .*--group secp384r1 contradicts it' live --scenario hrr --group secp384r1
row tls12-tls13 2 '--scenario tls12 is TLS 1\.2; --tls 1\.3 contradicts it' live --scenario tls12 --tls 1.3
row resumption-tls12 2 '--scenario resumption needs TLS 1\.3' live --scenario resumption --tls 1.2
row unknown-group 2 "--group: unknown group 'nosuch'" live --group nosuch

# --json is a batch output: no terminal needed, JSON Lines out
if timeout 60 "$TLSVIZ" replay "$CAP" --json >"$T_TMP/j.jsonl" 2>"$T_TMP/j.err" </dev/null; then
  check "--json implies --batch" jq -s -e 'length > 10 and all(has("type"))' "$T_TMP/j.jsonl"
else
  fail "--json without --batch: $(head -2 "$T_TMP/j.err")"
fi
# --tls 1.2 alone is the tls12 scenario, on the status line too
if tui_start live --tls 1.2 --capture tap; then
  wait_for 20 bash -c "tmux -L $TUI_SOCK capture-pane -p -t tv | head -1 | grep -q '| scenario tls12 |'" &&
    ! tui_status | grep -q 'scenario tls13' &&
    pass "--tls 1.2: status line names scenario tls12" || fail "--tls 1.2 status: $(tui_status)"
  tui_stop
fi
# no doubled words in the batch text
out=$(timeout 60 "$TLSVIZ" replay "$CAP" --keylog "$KEYS" --batch 2>&1)
grep -Eq '\b(from from|the the|key log [^ ]+: key log)\b' <<<"$out" && fail "doubled words: $(grep -Em1 '\b(from from|the the)\b' <<<"$out")" ||
  pass "batch text has no doubled words"

# L in the TUI: one prefix for a missing file; a file without key log lines is said to be one;
# then s saves the replay with the keys loaded, and tshark decrypts the saved file on its own
if tui_start replay "$CAP"; then
  tui_keys L; tui_keys -l /nonexistent; tui_keys Enter
  wait_screen 5 'key log /nonexistent: No such file' && ! tui_match 'key log /nonexistent: key log' &&
    pass "L with a missing file: one message, one prefix" || fail "L missing: $(tui_bottom)"
  tui_keys L; tui_keys -l /etc/passwd; tui_keys Enter
  wait_screen 5 'no key log lines in it' && pass "L /etc/passwd: says it holds no key log lines" ||
    fail "L /etc/passwd: $(tui_bottom)"
  tui_keys L; tui_keys -l "$KEYS"; tui_keys Enter
  wait_screen 5 'entries added' || fail "L keys: $(tui_bottom)"
  tui_keys s
  if wait_screen 5 "save capture with keys as .*$T_TMP/tlsviz-[0-9-]+\.pcapng_"; then
    pass "s proposes a file in the current directory"
    tui_keys C-u 2>/dev/null
    for _ in $(seq 80); do tui_keys BSpace; done
    tui_keys -l "$T_TMP/saved.pcapng"; tui_keys Enter
    wait_screen 10 "saved $T_TMP/saved.pcapng" && pass "s saves a replay" || fail "s: $(tui_bottom)"
  else
    fail "s: no save prompt: $(tui_bottom)"
  fi
  tui_stop
  if [ -s "$T_TMP/saved.pcapng" ]; then
    # the replayed file has no keys of its own: tshark sees no HTTP in it
    n0=$(tshark -r "$CAP" -o tls.keylog_file: -Y http 2>/dev/null | wc -l)
    n=$(tshark -r "$T_TMP/saved.pcapng" -o tls.keylog_file: -Y http 2>/dev/null | wc -l)
    [ "$n0" -eq 0 ] && [ "$n" -ge 1 ] && pass "tshark decrypts the saved file with its own keys ($n HTTP request)" ||
      fail "tshark finds $n HTTP frames in the saved file ($n0 in the original)"
  fi
fi

# s where the current directory is not writable (as nobody in / was, issue
# 13): the proposed path is in $TMPDIR, and saving there works
chmod 755 "$T_TMP"
mkdir -p "$T_TMP/ro" "$T_TMP/tmpw" && chmod 555 "$T_TMP/ro" && chmod 1777 "$T_TMP/tmpw"
as=""
[ "$(id -u)" -eq 0 ] && as="runuser -u nobody --"
tui_tm kill-server 2>/dev/null
TUI_N=$((TUI_N + 1))
TUI_SOCK="tlsviz-cli-$$-$TUI_N"
tui_tm -f /dev/null new-session -d -s tv -x 120 -y 40 -c "$T_TMP/ro" \
  "$as env -i PATH=$PATH HOME=$T_TMP/tmpw TMPDIR=$T_TMP/tmpw TERM=screen LANG=C.UTF-8 $TLSVIZ replay $CAP --keylog $KEYS; sleep 30"
if wait_screen 20 '^ tlsviz \| '; then
  tui_keys s
  if wait_screen 5 "save capture with keys as .*$T_TMP/tmpw/tlsviz-"; then
    tui_keys Enter
    wait_screen 10 "saved $T_TMP/tmpw/tlsviz-" && [ -n "$(ls "$T_TMP"/tmpw/tlsviz-*.pcapng 2>/dev/null)" ] &&
      pass "s in an unwritable directory saves into \$TMPDIR" || fail "s unwritable: $(tui_bottom)"
  else
    fail "s unwritable: the proposed path is not in \$TMPDIR: $(tui_bottom)"
  fi
else
  fail "TUI did not start as ${as:-this user} in a read-only directory"; tui_screen >&2
fi
tui_stop
done_tests
