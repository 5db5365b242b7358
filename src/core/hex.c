/* Hex encoding helpers. */
#include "core/hex.h"

#include "core/err.h"

#include <stdlib.h>

static const char digits[] = "0123456789abcdef";

/* Lowercase hex into a caller buffer. */
void hex_encode(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Lowercase hex in a new allocation. */
char *hex_dup(const uint8_t *in, size_t n)
{
	char *s = malloc(2 * n + 1);

	if (s)
		hex_encode(in, n, s);
	return s;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex of either case. */
int hex_decode(const char *in, size_t inlen, uint8_t *out, size_t cap)
{
	ENSURE(inlen % 2 == 0, ERR_VALUE, "hex: odd number of digits (%zu)", inlen);
	ENSURE(inlen / 2 <= cap, ERR_LENGTH, "hex: %zu bytes do not fit in %zu",
	       inlen / 2, cap);
	for (size_t i = 0; i < inlen; i += 2) {
		int hi = hex_nibble(in[i]), lo = hex_nibble(in[i + 1]);

		ENSURE(hi >= 0 && lo >= 0, ERR_VALUE,
		       "hex: bad digit at position %zu", hi < 0 ? i : i + 1);
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(inlen / 2);
}
