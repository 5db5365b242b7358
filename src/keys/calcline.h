/* The `tlsviz calc` command line that recomputes a value, for key events
 * (ev_key.calc) and the views that show them. The operation names are
 * defined here once; the calc command's table (src/calc/calc.c) uses the same
 * macros, and tests/unit/test_calc.c runs the lines back through it. */
#ifndef TLSVIZ_KEYS_CALCLINE_H
#define TLSVIZ_KEYS_CALCLINE_H

#include "keys/keys.h"

#include <stddef.h>

#define CALC_OP_EXTRACT "hkdf-extract"
#define CALC_OP_EXPAND_LABEL "hkdf-expand-label"
#define CALC_OP_DERIVE_SECRET "derive-secret"
#define CALC_OP_PRF "prf"
#define CALC_OP_X25519 "x25519"
#define CALC_OP_ECDH "ecdh"
#define CALC_OP_PUBLIC "public"
#define CALC_OP_AEAD_OPEN "aead-open"

/* Room for the longest line tlsviz builds (a 512-byte DHE premaster as the
 * secret of a PRF call, with a 64-byte seed). */
#define CALC_LINE_MAX 1600

/* Write "tlsviz calc OP ARGS [--hash H]" into buf. fmt has one letter per
 * argument: 'x' hex (const uint8_t *, size_t), 's' text, shell-quoted
 * (const char *), 'w' a bare word (const char *), 'u' a number (size_t).
 * h is the hash the operation runs with: " --hash sha384" is added unless it
 * is SHA-256 (calc's default) or HASH_NONE. Returns the length, or ERR_NOMEM
 * when buf is too small (buf then holds ""). */
int calc_line(char *buf, size_t cap, const char *op, enum hash_kind h, const char *fmt, ...);
/* Append " --slice OFF:LEN" (the value is bytes [OFF, OFF+LEN) of the
 * result, as a key is of the TLS 1.2 key block). Same returns. */
int calc_line_slice(char *buf, size_t cap, size_t off, size_t len);
/* calc's name of a hash ("sha256"), NULL for those calc does not take. */
const char *calc_hash_name(enum hash_kind h);

#endif
