# An oracle capture on lo with dumpcap (sourced by tests that compare a live
# session with an independent capture, and by test_serve's namespace script).
# dumpcap really captures some time after it says "Capturing on" (about
# 1.5 s here), and writes the last packets some time after they pass: both
# ends are found by a UDP probe to port 9 showing up in the file, never by a
# fixed sleep. Each wait is bounded (100 tries, 0.1 s apart).

# probe_capture_start FILE BPF: dumpcap on lo writing FILE (BPF's packets and
# the probes); returns once a probe is in FILE, 1 (dumpcap stopped) when none
# comes. Sets PROBE_PID.
probe_capture_start() {
  local file=$1 bpf=$2 i
  dumpcap -q -i lo -f "($bpf) or udp port 9" -a duration:120 -w "$file" 2>"$file.dumpcap" &
  PROBE_PID=$!
  for i in $(seq 1 100); do
    printf tlsviz-probe-start 2>/dev/null >/dev/udp/127.0.0.1/9
    grep -qa tlsviz-probe-start "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  kill "$PROBE_PID" 2>/dev/null
  wait "$PROBE_PID" 2>/dev/null
  return 1
}

# probe_capture_stop FILE: a last probe, once it is in FILE (with every packet
# before it) dumpcap is stopped; 1 when it never shows.
probe_capture_stop() {
  local file=$1 i seen=1
  for i in $(seq 1 100); do
    printf tlsviz-probe-end 2>/dev/null >/dev/udp/127.0.0.1/9
    grep -qa tlsviz-probe-end "$file" 2>/dev/null && { seen=0; break; }
    sleep 0.1
  done
  kill -INT "$PROBE_PID" 2>/dev/null
  wait "$PROBE_PID" 2>/dev/null
  return $seen
}
