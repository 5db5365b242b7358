"""Check the include layering of a source tree against its README.

usage: layers_check.py ROOT
The README's folder table (## How it works) has a column "may include":
the folders (core, keys, ...) whose headers a folder's files may include,
then after ';' the libraries whose headers they may include. Every
#include "DIR/..." in src/*/ and ui/ must name the file's own folder or one
its row lists, every library header (wolfSSL, ncurses, libpcap, ...) must be
in a folder whose row names that library, and every folder of src/ must have
a row. Prints each violation as FILE:LINE: what; exit 1 if there is one."""
import os
import re
import sys

root = sys.argv[1]
LIBS = {  # library name in the README -> header prefixes
    "wolfSSL": ("wolfssl/",),
    "libgcrypt": ("gcrypt.h",),
    "libpcap": ("pcap.h", "pcap/"),
    "ncurses": ("curses.h", "ncurses.h", "ncursesw/"),
    "zlib": ("zlib.h",),
    "brotli": ("brotli/",),
    "zstd": ("zstd.h", "zstd_errors.h"),
}

rules = {}
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
sec = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
for line in sec.splitlines():
    m = re.match(r"\| `((?:src/)?[a-z]+)/` \|.*\| ([^|]*) \|$", line)
    if not m or not (m.group(1).startswith("src/") or m.group(1) == "ui"):
        continue
    spec = m.group(2).strip().replace("—", "")
    dirs, _, libs = spec.partition(";")
    rules[m.group(1)] = ({d.strip() for d in dirs.split(",") if d.strip()},
                         {x.strip() for x in libs.split(",") if x.strip()})

bad = 0
known = {d.split("/")[-1] for d in rules}
folders = sorted("src/" + d for d in os.listdir(os.path.join(root, "src"))
                 if os.path.isdir(os.path.join(root, "src", d))) + ["ui"]
for folder in folders:
    if folder not in rules:
        print("%s/: no row in the README's folder table" % folder)
        bad += 1
        continue
    own = folder.split("/")[-1]
    dirs, libs = rules[folder]
    for name in sorted(os.listdir(os.path.join(root, folder))):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(folder, name)
        for n, line in enumerate(open(os.path.join(root, path), encoding="utf-8", errors="replace"), 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not m:
                continue
            inc = m.group(2)
            if m.group(1) == '"' and "/" in inc:
                top = inc.split("/")[0]
                if top in known and top != own and top not in dirs:
                    print("%s:%d: includes %s, but %s/ may include only %s" %
                          (path, n, inc, folder, ", ".join(sorted(dirs)) or "itself"))
                    bad += 1
            for lib, prefixes in LIBS.items():
                if inc.startswith(prefixes) and lib not in libs:
                    print("%s:%d: includes %s (%s), which %s/ may not" % (path, n, inc, lib, folder))
                    bad += 1
print("%d folders, %d violations" % (len(folders), bad))
sys.exit(1 if bad else 0)
