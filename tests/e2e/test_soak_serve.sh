#!/usr/bin/env bash
# Load: tlsviz serve answering 500 sequential curl requests with nothing lost
# (every response complete, every serve exiting 0, every connection in its
# JSON Lines), then 50 concurrent curl clients against one serve --count 50.
# --count is at most 100, so the 500 requests go to 5 serve processes of 100
# each, one after the other on the same port; each one's VmRSS is read after
# its 10th and its 100th answer and printed (serve keeps per-connection state
# until it exits; see the bound below). serve answers one connection at a
# time with a listen backlog of 4, so the concurrent clients queue (SYNs beyond
# the backlog are retried by the kernel): all 50 must still get the page
# within curl's --max-time. Everything runs in a private network namespace
# (unshare -n, lo up): the port is ours and no traffic leaves the namespace.
# curl is pinned to 127.0.0.1 (--resolve): serve listens on IPv4 only, and
# curl's refused attempts on ::1 would be TCP connections of their own in the
# capture (and in the JSON).
. "$(dirname "$0")/lib.sh"
need curl unshare ip timeout

if [ "$(id -u)" -eq 0 ]; then NS=(unshare -n); else NS=(unshare -rn); fi
"${NS[@]}" true 2>/dev/null || { fail "cannot create a network namespace with ${NS[*]}"; done_tests; }

PORT=8443
RUNS=5  # serve processes
PER=100 # requests each: --count's maximum
CONC=50
# serve keeps each connection's state until it exits: measured VmRSS ~24.5 MB
# after the 10th connection and ~33.2 MB after the 100th (libpcap on lo), i.e.
# ~97 KB per connection. The growth from the 10th to the 100th may be at most
# RSS_GROWTH_KB (~180 KB per connection): a guard against it getting worse
# (not in an ASan build, whose quarantine keeps freed memory).
RSS_GROWTH_KB=16384

# serve_one TAG COUNT: start serve --count COUNT in the background (pid in
# $T_TMP/TAG.pid), wait for its CA line; the CA path in $T_TMP/TAG.ca
cat >"$T_TMP/lib_inner.sh" <<EOF
serve_one() {
  "$TLSVIZ" serve --batch --json --port $PORT --count \$2 --timeout 30 \\
    >"$T_TMP/\$1.json" 2>"$T_TMP/\$1.err" &
  echo \$! >"$T_TMP/\$1.pid"
  for i in \$(seq 100); do grep -q "trust this CA" "$T_TMP/\$1.err" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/.*--cacert \([^ ]*\) .*/\1/p' "$T_TMP/\$1.err" >"$T_TMP/\$1.ca"
}
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/\$1/status 2>/dev/null; }
EOF

# ---- 500 sequential requests ----
cat >"$T_TMP/seq.sh" <<EOF
. "$T_TMP/lib_inner.sh"
ip link set lo up
cd "$T_TMP"
for r in \$(seq $RUNS); do
  serve_one seq\$r $PER
  pid=\$(cat seq\$r.pid)
  for i in \$(seq $PER); do
    curl -sS --max-time 15 --resolve localhost:$PORT:127.0.0.1 --cacert "\$(cat seq\$r.ca)" "https://localhost:$PORT/" >seq\$r.out.\$i 2>>seq\$r.curlerr
    echo "\$i \$?" >>seq\$r.rc
    [ \$i -eq 10 ] && rss \$pid >seq\$r.rss10
    [ \$i -eq $PER ] && rss \$pid >seq\$r.rss$PER
  done
  wait \$pid
  echo \$? >seq\$r.exit
done
EOF
start=$SECONDS
timeout 170 "${NS[@]}" bash "$T_TMP/seq.sh"
echo "500 sequential requests in $((SECONDS - start)) s"

got=0
for r in $(seq $RUNS); do
  n=$(grep -c ' 0$' "$T_TMP/seq$r.rc" 2>/dev/null)
  full=$(grep -l '</body></html>' "$T_TMP"/seq$r.out.* 2>/dev/null | wc -l)
  got=$((got + full))
  [ "$n" = $PER ] && [ "$full" = $PER ] && pass "serve $r: $PER curl requests, each exit 0 with the whole page" ||
    fail "serve $r: $n of $PER curl exit 0, $full complete pages ($(head -c 300 "$T_TMP/seq$r.curlerr" 2>/dev/null))"
  [ "$(cat "$T_TMP/seq$r.exit" 2>/dev/null)" = 0 ] && pass "serve $r exits 0 after --count $PER" ||
    fail "serve $r exit '$(cat "$T_TMP/seq$r.exit" 2>/dev/null)' ($(head -c 300 "$T_TMP/seq$r.err"))"
  c=$(grep -c '"type":"connection"' "$T_TMP/seq$r.json")
  cl=$(grep '"type":"app_data"' "$T_TMP/seq$r.json" | grep '"dir":"s2c"' | grep -o '"conn":[0-9]*' | sort -u | wc -l)
  [ "$c" = $PER ] && [ "$cl" = $PER ] && pass "serve $r: JSON shows $PER connections, each with a decrypted response" ||
    fail "serve $r: JSON has $c connection events, $cl connections with s2c app_data"
  grep '"type":"record"' "$T_TMP/seq$r.json" | grep -q '"auth_failed":true' && fail "serve $r: a record failed authentication"
  r10=$(cat "$T_TMP/seq$r.rss10" 2>/dev/null) r100=$(cat "$T_TMP/seq$r.rss$PER" 2>/dev/null)
  echo "  serve $r: VmRSS ${r10:-?} kB after 10 connections, ${r100:-?} kB after $PER"
  asan_build && continue # ASan's quarantine keeps freed memory: no bound
  [ -n "$r10" ] && [ -n "$r100" ] && [ $((r100 - r10)) -le $RSS_GROWTH_KB ] &&
    pass "serve $r: VmRSS grew $((r100 - r10)) kB from connection 10 to $PER (bound $RSS_GROWTH_KB kB)" ||
    fail "serve $r: VmRSS '$r10' kB -> '$r100' kB from connection 10 to $PER, more than $RSS_GROWTH_KB kB"
done
[ "$got" = $((RUNS * PER)) ] && pass "all $got sequential requests answered in full" || fail "$got of $((RUNS * PER)) requests answered in full"

# ---- 50 concurrent clients ----
cat >"$T_TMP/conc.sh" <<EOF
. "$T_TMP/lib_inner.sh"
ip link set lo up
cd "$T_TMP"
serve_one conc $CONC
s=\$(date +%s%N)
for i in \$(seq $CONC); do
  curl -sS --max-time 30 --resolve localhost:$PORT:127.0.0.1 --cacert "\$(cat conc.ca)" -o conc.out.\$i "https://localhost:$PORT/" 2>conc.curlerr.\$i &
done
wait \$(cat conc.pid)
echo \$? >conc.exit
wait # the curl jobs
echo \$(( (\$(date +%s%N) - s) / 1000000 )) >conc.ms
EOF
timeout 90 "${NS[@]}" bash "$T_TMP/conc.sh"
full=$(grep -l '</body></html>' "$T_TMP"/conc.out.* 2>/dev/null | wc -l)
echo "$CONC concurrent clients done in $(cat "$T_TMP/conc.ms" 2>/dev/null) ms"
[ "$full" = $CONC ] && pass "$CONC concurrent clients all got the whole page" ||
  fail "$full of $CONC concurrent clients got the page ($(cat "$T_TMP"/conc.curlerr.* 2>/dev/null | sort | uniq -c | head -5))"
[ "$(cat "$T_TMP/conc.exit" 2>/dev/null)" = 0 ] && pass "serve --count $CONC exits 0" ||
  fail "serve --count $CONC exit '$(cat "$T_TMP/conc.exit" 2>/dev/null)' ($(head -c 300 "$T_TMP/conc.err"))"
c=$(grep -c '"type":"connection"' "$T_TMP/conc.json")
cl=$(grep '"type":"app_data"' "$T_TMP/conc.json" | grep '"dir":"s2c"' | grep -o '"conn":[0-9]*' | sort -u | wc -l)
[ "$c" = $CONC ] && [ "$cl" = $CONC ] && pass "JSON shows $CONC connections, each with a decrypted response" ||
  fail "JSON has $c connection events, $cl connections with s2c app_data, not $CONC ($(grep -o '"text":"capture: [^"]*' "$T_TMP/conc.json" | tail -2))"
# the capture read every packet: the kernel's drop counter says so (serve
# notes any drop), and the end-of-traffic probe came back in time
grep -q '"text":"capture: the kernel dropped\|"text":"capture: the end-of-traffic probe' "$T_TMP/conc.json" &&
  fail "capture lost packets: $(grep -o '"text":"capture: [^"]*' "$T_TMP/conc.json" | tail -2)" ||
  pass "capture: no packet dropped by the kernel, the end-of-traffic probe came back"

done_tests
