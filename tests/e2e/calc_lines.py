"""Run the `tlsviz calc` line of every key event in a JSON Lines stream and
compare its output with the key's value (test_calc.sh).

usage: calc_lines.py TLSVIZ REQUIRED_REGEX EXEMPT_REGEX MIN < events.jsonl
Keys whose name matches REQUIRED_REGEX must carry a calc line, unless their
derivation matches EXEMPT_REGEX (a value read from a key log, say); at least
MIN lines must reproduce their key. The lines are
split by Python's shlex (the shell's rules, implemented by someone else), so
the quoting of the line builder is checked too. Prints one line per key and a
summary; exit 1 on any mismatch or a required key without a line."""
import json
import re
import shlex
import subprocess
import sys

tlsviz, required, exempt = sys.argv[1], re.compile(sys.argv[2]), re.compile(sys.argv[3])
least = int(sys.argv[4])
checked = bad = 0
for raw in sys.stdin:
    ev = json.loads(raw)
    if ev.get("type") != "key":
        continue
    name, value, line = ev.get("name"), ev.get("value", ""), ev.get("calc")
    where = "conn %s %s" % (ev.get("conn"), name)
    if not line:
        if required.search(name) and not exempt.search(ev.get("derivation") or ""):
            print("FAIL %s: no calc line (%s)" % (where, ev.get("derivation")))
            bad += 1
        continue
    argv = shlex.split(line)
    if argv[:2] != ["tlsviz", "calc"]:
        print("FAIL %s: not a calc line: %s" % (where, line))
        bad += 1
        continue
    r = subprocess.run([tlsviz] + argv[1:], capture_output=True, text=True, timeout=30)
    got = r.stdout.split("\n")[0]
    if r.returncode != 0 or got != value:
        print("FAIL %s: %s\n  exit %d, got %s\n  want %s %s" % (where, line, r.returncode, got, value,
                                                             r.stderr.strip()))
        bad += 1
    else:
        checked += 1
print("%d calc lines reproduce their key, %d failures" % (checked, bad))
if checked < least:
    print("FAIL: %d calc lines, want at least %d" % (checked, least))
sys.exit(1 if bad or checked < least else 0)
