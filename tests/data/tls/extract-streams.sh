#!/bin/bash
# Regenerate the stream fixtures used by tests/unit/test_tlsdec.c from captures/:
# each TCP connection of <name>.pcapng becomes <name>.<n>.stream with one line per
# segment in capture order, "C <hex>" (client to server) or "S <hex>", and the key
# log is copied next to it (TEST-ONLY keys, see captures/README.md).
# Usage: tests/data/tls/extract-streams.sh NAME...   (needs tshark)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
caps=$here/../../../captures
for name in "$@"; do
	n=$(tshark -r "$caps/$name.pcapng" -T fields -e tcp.stream | sort -un | wc -l)
	for ((i = 0; i < n; i++)); do
		tshark -r "$caps/$name.pcapng" -q -z "follow,tcp,raw,$i" | awk '
			/^={10}/ {next} /^Follow:|^Filter:|^Node [01]:/ {next}
			/^\t/ {sub(/^\t/, ""); if (length($0)) print "S " $0; next}
			/^[0-9a-f]+$/ {print "C " $0}' >"$here/$name.$i.stream.tmp"
		mv "$here/$name.$i.stream.tmp" "$here/$name.$i.stream"
	done
	cp "$caps/$name.keys" "$here/$name.keys"
	echo "$name: $n connection(s)"
done
