#!/bin/bash
# The include layering (issue 14): every #include in src/*/ and ui/ is one
# the README's folder table allows (layers_check.py), and the check fails on
# a copy of the tree with a violation of each kind planted: ui/ including
# wolfSSL, the core including the engine, the engine including ncurses, and
# a folder without a row.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CHECK=$TLSVIZ_SRC/tests/e2e/layers_check.py

if out=$($PY "$CHECK" "$TLSVIZ_SRC" 2>&1); then
  pass "the tree keeps the README's layering ($(tail -1 <<<"$out"))"
else
  fail "layering: $out"
fi

copy=$T_TMP/tree
mkdir -p "$copy"
cp -r "$TLSVIZ_SRC/src" "$TLSVIZ_SRC/ui" "$TLSVIZ_SRC/README.md" "$copy/"
echo '#include <wolfssl/ssl.h>' >> "$copy/ui/draw.c"
echo '#include "engine/engine.h"' >> "$copy/src/core/cursor.c"
echo '#include <curses.h>' >> "$copy/src/engine/story.c"
mkdir "$copy/src/relay" && echo '#include "core/err.h"' > "$copy/src/relay/relay.c"
out=$($PY "$CHECK" "$copy" 2>&1); rc=$?
check "a planted violation fails the check" test $rc -eq 1
check "  ui/ including wolfSSL is named" grep -q '^ui/draw.c:[0-9]*: includes wolfssl/ssl.h (wolfSSL), which ui/ may not$' <<<"$out"
check "  the core including the engine is named" \
  grep -q '^src/core/cursor.c:[0-9]*: includes engine/engine.h, but src/core/ may include only itself$' <<<"$out"
check "  the engine including ncurses is named" grep -q '^src/engine/story.c:[0-9]*: includes curses.h (ncurses)' <<<"$out"
check "  a folder without a row is named" grep -q '^src/relay/: no row' <<<"$out"
check "  and nothing else" test "$(grep -c ': ' <<<"$out")" -eq 4
done_tests
