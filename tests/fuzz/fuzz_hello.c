/* Fuzz the analyst's parsers of captured and typed input: the fingerprints
 * of a hello (JA3 / JA3S and JA4 / JA4S, src/tls/fingerprint.c) and the
 * connection filter language (src/output/filter.c). Beyond memory safety: a
 * fingerprint that succeeds has its definition's shape (JA4: 36 characters,
 * letters, digits and '_' where they belong; JA3: 32 hex digits), and a
 * filter that fails says where, inside the text. */
#include "fuzz_common.h"
#include "output/filter.h"
#include "tls/fingerprint.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static void check_md5(const char *h)
{
	FUZZ_REQUIRE(strlen(h) == 32);
	for (const char *p = h; *p; p++)
		FUZZ_REQUIRE(isxdigit((unsigned char)*p) && !isupper((unsigned char)*p));
}

/* "t13d1516h2_8daaf6152771_e5627efa2ab1" (client) or "t130200_1301_a56c5b993250" (server). */
static void check_ja4(const char *h, bool client)
{
	size_t n = strlen(h), u1 = client ? 10 : 7, u2 = client ? 23 : 12;

	FUZZ_REQUIRE(n == (client ? 36u : 25u) && h[0] == 't' && h[u1] == '_' && h[u2] == '_');
	for (size_t i = 1; i < n; i++)
		FUZZ_REQUIRE(i == u1 || i == u2 ? h[i] == '_' : isalnum((unsigned char)h[i]));
}

/* Input: a selector byte, then a ClientHello (0), a ServerHello (1), or a
 * filter expression (2), each message with its 4-byte handshake header. */
int fuzz_hello_one(const uint8_t *data, size_t size)
{
	struct fingerprint *fp;

	if (!size)
		return 0;
	if (data[0] % 3 == 2) {
		char *text = malloc(size);
		struct filter *f = NULL;
		size_t col = 0;
		struct conn_row row = { .id = 1, .version = 0x0304, .fatal_alert = -1 };

		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		if (filter_compile(text, &f, &col) == 0) {
			filter_match(f, &row);
			strcpy(row.sni, "example.com");
			row.bytes[DIR_C2S] = 517;
			row.fatal_alert = 42;
			filter_match(f, &row);
		} else {
			FUZZ_REQUIRE(col >= 1 && col <= strlen(text) + 1);
		}
		filter_free(f);
		free(text);
		return 0;
	}
	fp = malloc(sizeof *fp);
	if (!fp)
		return 0;
	if (data[0] % 3 == 0) {
		if (fp_ja3(data + 1, size - 1, fp) == 0)
			check_md5(fp->hash);
		if (fp_ja4(data + 1, size - 1, fp) == 0)
			check_ja4(fp->hash, true);
	} else {
		if (fp_ja3s(data + 1, size - 1, fp) == 0)
			check_md5(fp->hash);
		if (fp_ja4s(data + 1, size - 1, fp) == 0)
			check_ja4(fp->hash, false);
	}
	free(fp);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_hello_one(data, size);
}
#endif
