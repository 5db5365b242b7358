/* Unit tests for the bounded decompressor (tls/decompress.c): each RFC 8879
 * algorithm round trip, a declared length one short and one over, truncated
 * and trailing bytes, a corrupt stream, an unknown algorithm, the cap, and
 * decompression bombs (a small stream that expands far beyond its claim). The
 * inputs are compressed here with the real zlib, brotli and zstd encoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <brotli/encode.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/err.h"
#include "tls/decompress.h"

enum { ZLIB = 1, BROTLI = 2, ZSTD = 3 };

/* Compress in[0..n) with alg into a new buffer; *out_len gets its size. */
static uint8_t *pack(int alg, const uint8_t *in, size_t n, size_t *out_len)
{
	size_t cap = n + n / 2 + 1024;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	if (alg == ZLIB) {
		uLongf z = (uLongf)cap;

		assert_int_equal(compress2(out, &z, in, (uLong)n, 9), Z_OK);
		*out_len = z;
	} else if (alg == BROTLI) {
		*out_len = cap;
		assert_true(BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, in, out_len, out));
	} else {
		*out_len = ZSTD_compress(out, cap, in, n, 19);
		assert_false(ZSTD_isError(*out_len));
	}
	return out;
}

/* Something certificate-like: text with repeats, not all one byte. */
static uint8_t *sample(size_t n)
{
	uint8_t *b = malloc(n);

	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)("tlsviz TEST-ONLY CA localhost "[i % 30] ^ (i / 97));
	return b;
}

static void test_round_trip_each_algorithm(void **state)
{
	(void)state;
	for (int alg = ZLIB; alg <= ZSTD; alg++) {
		size_t n = 1352, clen;
		uint8_t *in = sample(n), *c = pack(alg, in, n, &clen), *out = NULL;

		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, n, &out), 0);
		assert_non_null(out);
		assert_memory_equal(out, in, n);
		free(out);
		free(c);
		free(in);
	}
}

static void test_wrong_uncompressed_length(void **state)
{
	(void)state;
	for (int alg = ZLIB; alg <= ZSTD; alg++) {
		size_t n = 800, clen;
		uint8_t *in = sample(n), *c = pack(alg, in, n, &clen), *out = (uint8_t *)1;

		/* one short: the stream holds more than declared */
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, n - 1, &out), ERR_LENGTH);
		assert_null(out);
		assert_non_null(strstr(err_msg(), "uncompressed_length"));
		/* one over: the stream ends early */
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, n + 1, &out), ERR_LENGTH);
		assert_null(out);
		assert_non_null(strstr(err_msg(), "uncompressed_length says 801"));
		/* zero */
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, 0, &out), ERR_LENGTH);
		free(c);
		free(in);
	}
}

static void test_truncated_trailing_corrupt(void **state)
{
	(void)state;
	for (int alg = ZLIB; alg <= ZSTD; alg++) {
		size_t n = 1000, clen;
		uint8_t *in = sample(n), *c = pack(alg, in, n, &clen), *out = NULL;
		uint8_t *more = malloc(clen + 3);

		/* truncated: the last byte, and half the stream */
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen - 1, n, &out), ERR_VALUE);
		assert_null(out);
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen / 2, n, &out), ERR_VALUE);
		assert_non_null(strstr(err_msg(), alg == ZLIB ? "zlib" : alg == BROTLI ? "brotli" : "zstd"));
		/* bytes after the end of the stream */
		memcpy(more, c, clen);
		memcpy(more + clen, "\x01\x02\x03", 3);
		assert_int_not_equal(decompress_cert((uint16_t)alg, more, clen + 3, n, &out), 0);
		assert_null(out);
		/* garbage */
		assert_int_equal(decompress_cert((uint16_t)alg, (const uint8_t *)"\xca\xfe\xba\xbe", 4, n, &out),
				 ERR_VALUE);
		assert_null(out);
		free(more);
		free(c);
		free(in);
	}
}

static void test_unknown_algorithm_and_cap(void **state)
{
	uint8_t *out = NULL;

	(void)state;
	assert_int_equal(decompress_cert(0, (const uint8_t *)"x", 1, 1, &out), ERR_UNSUPPORTED);
	assert_int_equal(decompress_cert(4, (const uint8_t *)"x", 1, 1, &out), ERR_UNSUPPORTED);
	assert_int_equal(decompress_cert(0x1a1a, (const uint8_t *)"x", 1, 1, &out), ERR_UNSUPPORTED);
	/* the largest uint24 is refused before any allocation */
	assert_int_equal(decompress_cert(ZLIB, (const uint8_t *)"x", 1, 0xffffff, &out), ERR_NOMEM);
	assert_non_null(strstr(err_msg(), "cap"));
	assert_int_equal(decompress_cert(ZLIB, (const uint8_t *)"x", 1, DECOMPRESS_MAX + 1, &out), ERR_NOMEM);
	assert_null(out);
}

/* 8 MiB of zeros packs into a few KiB; claimed small, or claimed at the cap,
 * it is cut off at the claim + 1 byte, never inflated in full. */
static void test_decompression_bomb(void **state)
{
	size_t n = 8u << 20;
	uint8_t *zeros = calloc(1, n);

	(void)state;
	assert_non_null(zeros);
	for (int alg = ZLIB; alg <= ZSTD; alg++) {
		size_t clen;
		uint8_t *c = pack(alg, zeros, n, &clen), *out = NULL;

		assert_true(clen < 64 * 1024);
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, 1000, &out), ERR_LENGTH);
		assert_null(out);
		assert_int_equal(decompress_cert((uint16_t)alg, c, clen, DECOMPRESS_MAX, &out), ERR_LENGTH);
		assert_null(out);
		free(c);
	}
	free(zeros);
}

/* A zstd stream as the command-line tool writes it from a pipe: no content
 * size and an 8 MiB window. It must decode without that window's memory. */
static void test_zstd_large_window_unknown_size(void **state)
{
	size_t n = 1446, cap = 4096;
	uint8_t *in = sample(n), *c = malloc(cap), *out = NULL;
	ZSTD_CCtx *z = ZSTD_createCCtx();
	ZSTD_inBuffer ib = { in, n, 0 };
	ZSTD_outBuffer ob = { c, cap, 0 };

	(void)state;
	assert_non_null(z);
	ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_setParameter(z, ZSTD_c_windowLog, 23);
	ZSTD_CCtx_setParameter(z, ZSTD_c_contentSizeFlag, 0);
	assert_int_equal(ZSTD_compressStream2(z, &ob, &ib, ZSTD_e_end), 0);
	assert_int_equal(ZSTD_getFrameContentSize(c, ob.pos), ZSTD_CONTENTSIZE_UNKNOWN);
	assert_int_equal(decompress_cert(ZSTD, c, ob.pos, n, &out), 0);
	assert_memory_equal(out, in, n);
	free(out);
	ZSTD_freeCCtx(z);
	free(c);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_each_algorithm),
		cmocka_unit_test(test_wrong_uncompressed_length),
		cmocka_unit_test(test_truncated_trailing_corrupt),
		cmocka_unit_test(test_unknown_algorithm_and_cap),
		cmocka_unit_test(test_decompression_bomb),
		cmocka_unit_test(test_zstd_large_window_unknown_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
