#!/bin/bash
# Regenerate the seed corpora in tests/fuzz/corpus/ from the reference
# material (run after captures/ or tests/data/tls/ change; needs editcap
# and perl).
#   tlsdec  - each tests/data/tls/*.stream in the harness chunk format:
#             [ctl: 0 client->server, 1 server->client][len <= 255][bytes]
#   capfile - each captures/*.pcapng with its key log injected as a
#             Decryption Secrets Block (editcap --inject-secrets), plus the
#             plain pcap wire fixture
#   keylog  - each key log as is, with CRLF and comment variants of one
#   reasm   - a few segment scripts (SYN handshake, reordering, wrap-around)
#   hello   - the first ClientHello and ServerHello of each capture (the
#             TCP payload tshark shows with it, its record header cut),
#             behind the selector byte, and a few filter expressions
#   story   - the events of each capture (tlsviz replay --batch --json with
#             its keys, and without), as fuzz_story scripts (story_seeds.py;
#             needs a built tlsviz: TLSVIZ=path, default build/tlsviz)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../..
out=$here/corpus
rm -rf "$out.tmp"
mkdir -p "$out.tmp"/{tlsdec,capfile,keylog,reasm,story,hello}

for s in "$src"/tests/data/tls/*.stream; do
	perl -ne 'chomp; my ($d, $h) = split / /, $_, 2; next unless defined $h && length $h;
		my $b = pack("H*", $h); my $ctl = $d eq "S" ? 1 : 0;
		while (length $b) { my $c = substr($b, 0, 255, ""); print pack("CC", $ctl, length $c), $c; }' \
		"$s" >"$out.tmp/tlsdec/$(basename "$s" .stream)"
done

for p in "$src"/captures/*.pcapng; do
	n=$(basename "$p" .pcapng)
	if [ -f "$src/captures/$n.keys" ]; then
		editcap --inject-secrets "tls,$src/captures/$n.keys" "$p" "$out.tmp/capfile/$n-dsb.pcapng"
	else
		cp "$p" "$out.tmp/capfile/$n.pcapng"
	fi
done
cp "$src/tests/data/wire/tls-get.pcap" "$out.tmp/capfile/tls-get.pcap"

for k in "$src"/captures/*.keys; do
	cp "$k" "$out.tmp/keylog/$(basename "$k")"
done
k=$src/captures/tls13-resumption.keys
{ echo "# comment"; sed 's/$/\r/' "$k"; printf 'CLIENT_RANDOM zz 00\nRSA 0011 \n\n'; } >"$out.tmp/keylog/mixed-crlf-junk"

# reasm: 7-byte records [flags][dir][seq32][len]
rec() { printf "\\x$(printf %02x "$1")\\x$(printf %02x "$2")\\x$(printf %02x $(( ($3 >> 24) & 255 )))\\x$(printf %02x $(( ($3 >> 16) & 255 )))\\x$(printf %02x $(( ($3 >> 8) & 255 )))\\x$(printf %02x $(( $3 & 255 )))\\x$(printf %02x "$4")"; }
{ rec 2 0 1000 0; rec 18 1 5000 0; rec 16 0 1001 100; rec 16 1 5001 200; rec 16 0 1101 50; rec 17 0 1151 0; rec 17 1 5201 0; } >"$out.tmp/reasm/handshake"
{ rec 2 0 4294967000 0; rec 18 1 7 0; rec 16 0 4294967201 200; rec 16 0 4294967001 200; rec 16 0 4294967401 10; rec 4 1 8 0; } >"$out.tmp/reasm/wrap-reorder"
{ rec 16 0 1 200; rec 16 0 101 200; rec 16 0 1 50; rec 16 0 2001 100; rec 1 0 2101 0; rec 16 1 9 30; } >"$out.tmp/reasm/nosyn-overlap-hole"

# hello: [0 ClientHello | 1 ServerHello | 2 filter][bytes]
for p in "$src"/captures/*.pcapng; do
	n=$(basename "$p" .pcapng)
	for t in 1 2; do
		hex=$(tshark -r "$p" -Y "tls.handshake.type == $t" -T fields -e tcp.payload 2>/dev/null | head -1)
		[ -n "$hex" ] || continue
		{ printf "\\x0$((t - 1))"; printf '%s' "${hex:10}" | xxd -r -p; } >"$out.tmp/hello/$n-$t"
	done
done
i=0
for e in 'sni contains example and version == 1.3 and not decrypted' '(bytes > 1000 or alerts) and ja4 != x' \
	'suite contains "GCM\"" or port == 443' 'not (resumed and hrr) and duration < 2.5' '((sni'; do
	{ printf '\x02'; printf '%s' "$e"; } >"$out.tmp/hello/filter-$i"
	i=$((i + 1))
done

tlsviz=${TLSVIZ:-$src/build/tlsviz}
for p in "$src"/captures/*.pcapng; do
	n=$(basename "$p" .pcapng)
	k=()
	[ -f "$src/captures/$n.keys" ] && k=(--keylog "$src/captures/$n.keys")
	[ -f "$src/captures/$n.key" ] && k=(--rsa-key "$src/captures/$n.key")
	"$tlsviz" replay "$p" "${k[@]}" --batch --json 2>/dev/null | /usr/bin/python3 "$here/story_seeds.py" >"$out.tmp/story/$n"
	"$tlsviz" replay "$p" --batch --json 2>/dev/null | /usr/bin/python3 "$here/story_seeds.py" >"$out.tmp/story/$n-nokeys"
done

rm -rf "$out"
mv "$out.tmp" "$out"
du -sh "$out"
