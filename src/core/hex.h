/* Hex encoding helpers shared by views, key logs and tests. */
#ifndef TLSVIZ_HEX_H
#define TLSVIZ_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Write 2*n lowercase hex digits + NUL into out (size >= 2*n+1). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Allocate a lowercase hex string of in[0..n); NULL on allocation failure. */
char *hex_dup(const uint8_t *in, size_t n);
/* Decode hex (either case, no separators) into out; returns bytes written or ERR_*. */
int hex_decode(const char *in, size_t inlen, uint8_t *out, size_t cap);

#endif
