#!/usr/bin/env bash
# Live capture sources: tlsviz captures its own HTTPS session with each source
# (auto, netns, pcap, tap; as root and as an unprivileged user via setpriv),
# reports the source it used ("capture: MODE") and `record -w` writes a pcapng
# that tshark decrypts with NO key options (GET and 200 visible).
. "$(dirname "$0")/lib.sh"
need tshark setpriv capinfos

# http_seen FILE TAG: tshark (no key options) shows the GET and the 200.
http_seen() {
  local f=$1 tag=$2 out
  out=$(tshark_http "$f" -Y http -T fields -e http.request.method -e http.response.code 2>/dev/null)
  grep -q GET <<<"$out" || { fail "$tag: no GET in tshark's view of $f"; return 1; }
  grep -q 200 <<<"$out" || { fail "$tag: no 200 in tshark's view of $f"; return 1; }
  pass "$tag: tshark decrypts the GET and the 200 with no options"
}

# source_case TAG WANT EXPECT [RUNNER...]: live --batch reports the source;
# record -w writes a decryptable pcapng, mode 0600, nothing else left behind.
source_case() {
  local tag=$1 want=$2 expect=$3; shift 3
  local d=$T_TMP/$tag out rc
  mkdir -p "$d" && chmod 0777 "$d"
  out=$(timeout 90 "$@" "$TLSVIZ" live --batch --capture "$want" 2>&1); rc=$?
  if [ $rc -ne 0 ]; then
    fail "$tag: live --capture $want exited $rc: $(head -c 400 <<<"$out")"
  elif grep -q "capture: $expect" <<<"$out"; then
    pass "$tag: live --capture $want reports capture: $expect"
  else
    fail "$tag: live --capture $want did not report 'capture: $expect': $(grep -m3 -i capture <<<"$out")"
  fi
  out=$(timeout 90 "$@" "$TLSVIZ" record -w "$d/x.pcapng" --capture "$want" 2>&1); rc=$?
  if [ $rc -ne 0 ] || [ ! -s "$d/x.pcapng" ]; then
    fail "$tag: record -w exited $rc: $(head -c 400 <<<"$out")"; return
  fi
  [ "$(stat -c %a "$d/x.pcapng")" = 600 ] && pass "$tag: capture file is 0600" \
    || fail "$tag: capture file mode $(stat -c %a "$d/x.pcapng")"
  [ "$(ls -A "$d")" = x.pcapng ] && pass "$tag: no temp file left" || fail "$tag: left: $(ls -A "$d")"
  capinfos "$d/x.pcapng" >/dev/null 2>&1 && pass "$tag: capinfos accepts it" || fail "$tag: capinfos rejects it"
  http_seen "$d/x.pcapng" "$tag"
}

if [ "$(id -u)" = 0 ]; then
  chmod 0711 "$T_TMP"
  source_case root-auto auto netns      # root too: a private namespace first
  source_case root-netns netns netns
  source_case root-pcap pcap pcap
  source_case root-tap tap tap
  nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  source_case nobody-auto auto netns "${nobody[@]}"
  source_case nobody-tap tap tap "${nobody[@]}"
  # an unprivileged user cannot capture the host loopback: one clear error
  out=$(timeout 60 "${nobody[@]}" "$TLSVIZ" live --batch --capture pcap 2>&1); rc=$?
  if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi "lo" <<<"$out"; then
    pass "nobody --capture pcap refused: $(tail -n1 <<<"$out")"
  else
    fail "nobody --capture pcap: exit $rc: $(head -c 300 <<<"$out")"
  fi
else
  source_case user-auto auto netns
  source_case user-tap tap tap
fi

done_tests
