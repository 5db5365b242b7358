#!/usr/bin/env bash
# Malformed capture files given to `tlsviz replay`: each gives one clear
# message naming the problem (or a warning, for a garbage Decryption Secrets
# Block) and never a crash.
. "$(dirname "$0")/lib.sh"

FX=$TLSVIZ_SRC/tests/data/wire/tls-get.pcap
[ -s "$FX" ] || { fail "fixture $FX missing"; done_tests; }
FXSIZE=$(stat -c %s "$FX")

# le32 N: 4 little-endian bytes.
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }

# pcapng_with_dsb FILE TYPE TEXT DECLARED: SHB, IDB, a DSB, then one EPB with
# the fixture's first frame (74 bytes).
pcapng_with_dsb() {
  local f=$1 type=$2 text=$3 declared=$4
  local len=${#text} pad=$(( (4 - ${#text} % 4) % 4 ))
  {
    le32 0x0A0D0D0A; le32 28; le32 0x1A2B3C4D; printf '\x01\x00\x00\x00'; le32 -1; le32 -1; le32 28
    le32 1; le32 20; printf '\x01\x00\x00\x00'; le32 65535; le32 20
    le32 10; le32 $((20 + len + pad)); le32 "$type"; le32 "$declared"; printf '%s' "$text"
    head -c "$pad" /dev/zero; le32 $((20 + len + pad))
    le32 6; le32 108; le32 0; le32 0; le32 1; le32 74; le32 74
    dd if="$FX" bs=1 skip=40 count=74 status=none; head -c 2 /dev/zero; le32 108
  } >"$f"
}

# bad_file TAG FILE WANT-EXIT WANT-TEXT: replay it; no crash, the text appears,
# exit status as wanted ("fail" = non-zero, "ok" = zero).
bad_file() {
  local tag=$1 f=$2 want=$3 text=$4 out rc
  out=$(timeout 60 "$TLSVIZ" replay "$f" --batch 2>&1); rc=$?
  if [ $rc -ge 124 ]; then fail "$tag: crashed or hung (exit $rc): $(tail -n3 <<<"$out")"; return; fi
  case $want in
    fail) [ $rc -ne 0 ] || { fail "$tag: exit 0, want an error"; return; } ;;
    ok) [ $rc -eq 0 ] || { fail "$tag: exit $rc, want 0: $(tail -n2 <<<"$out")"; return; } ;;
  esac
  grep -qi -- "$text" <<<"$out" || { fail "$tag: output lacks '$text': $(tail -n3 <<<"$out")"; return; }
  pass "$tag: $(grep -i -m1 -- "$text" <<<"$out" | cut -c1-160)"
}

: >"$T_TMP/empty.pcap"
bad_file "empty file" "$T_TMP/empty.pcap" fail "empty"
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' >"$T_TMP/magic.pcap"
bad_file "wrong magic" "$T_TMP/magic.pcap" fail "not a pcap"
head -c 20 "$FX" >"$T_TMP/hdr.pcap"
bad_file "truncated header" "$T_TMP/hdr.pcap" fail "truncated"
head -c $((FXSIZE - 10)) "$FX" >"$T_TMP/cut.pcap"
bad_file "truncated packet" "$T_TMP/cut.pcap" any "truncated"
{ head -c 114 "$FX"; dd if="$FX" bs=1 skip=24 count=8 status=none; le32 0x7fffff00; le32 0x7fffff00; head -c 100 /dev/zero; } >"$T_TMP/huge.pcap"
bad_file "absurd packet length" "$T_TMP/huge.pcap" any "capture length"
{ head -c 20 "$FX"; le32 147; dd if="$FX" bs=1 skip=24 count=90 status=none; } >"$T_TMP/lt.pcap"
bad_file "unsupported link type" "$T_TMP/lt.pcap" fail "link type 147"
mkdir "$T_TMP/dir.pcap"
bad_file "directory" "$T_TMP/dir.pcap" fail "directory"
bad_file "missing file" "$T_TMP/none.pcap" fail "No such file"
pcapng_with_dsb "$T_TMP/dsb-garbage.pcapng" 0x544c534b $'\x01\x02garbage, not a key log' 24
bad_file "DSB with garbage" "$T_TMP/dsb-garbage.pcapng" ok "Decryption Secrets Block"
pcapng_with_dsb "$T_TMP/dsb-overlong.pcapng" 0x544c534b "CLIENT_RANDOM 00 11" 100000
bad_file "DSB length past its block" "$T_TMP/dsb-overlong.pcapng" ok "malformed"
pcapng_with_dsb "$T_TMP/dsb-ssh.pcapng" 0x5353484b "ssh secrets" 11
bad_file "DSB of another secrets type" "$T_TMP/dsb-ssh.pcapng" ok "secrets type"
{ head -c 48 "$T_TMP/dsb-ssh.pcapng"; le32 6; le32 107; head -c 100 /dev/zero; } >"$T_TMP/odd.pcapng"
bad_file "pcapng block length not a multiple of 4" "$T_TMP/odd.pcapng" fail "damaged at offset 48"

done_tests
