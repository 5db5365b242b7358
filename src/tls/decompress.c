/* Bounded zlib / brotli / zstd decompression (see decompress.h). Each
 * decoder writes into a buffer one byte larger than declared: filling that
 * byte means the stream is longer than its sender said, and it is stopped
 * there instead of being followed. */
#include "tls/decompress.h"

#include "core/err.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* zlib format (RFC 1950), as RFC 8879 names it. */
static int decompress_zlib(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *got)
{
	z_stream z = { 0 };
	int zr, rc = 0;

	ENSURE(inflateInit(&z) == Z_OK, ERR_NOMEM, "zlib: cannot initialise the decoder");
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	zr = inflate(&z, Z_FINISH);
	*got = cap - z.avail_out;
	if (zr == Z_STREAM_END && z.avail_in == 0)
		goto out;
	if (zr == Z_STREAM_END)
		rc = err_set(ERR_VALUE, "zlib: %u bytes after the end of the stream", z.avail_in);
	else if (z.avail_out == 0)
		rc = err_set(ERR_LENGTH, "zlib: the stream holds more than uncompressed_length %zu", cap - 1);
	else
		rc = err_set(ERR_VALUE, "zlib: %s after %zu of %zu compressed bytes",
			     zr == Z_BUF_ERROR ? "truncated stream" : z.msg ? z.msg : "corrupt stream",
			     in_len - z.avail_in, in_len);
out:
	inflateEnd(&z);
	return rc;
}

/* Brotli (RFC 7932). */
static int decompress_brotli(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *got)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	const uint8_t *next_in = in;
	uint8_t *next_out = out;
	size_t avail_in = in_len, avail_out = cap;
	BrotliDecoderResult r;
	int rc = 0;

	ENSURE(s, ERR_NOMEM, "brotli: cannot initialise the decoder");
	r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
	*got = cap - avail_out;
	if (r == BROTLI_DECODER_RESULT_SUCCESS && avail_in == 0)
		goto out;
	if (r == BROTLI_DECODER_RESULT_SUCCESS)
		rc = err_set(ERR_VALUE, "brotli: %zu bytes after the end of the stream", avail_in);
	else if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
		rc = err_set(ERR_LENGTH, "brotli: the stream holds more than uncompressed_length %zu", cap - 1);
	else if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
		rc = err_set(ERR_VALUE, "brotli: truncated stream (%zu compressed bytes)", in_len);
	else
		rc = err_set(ERR_VALUE, "brotli: %s after %zu of %zu compressed bytes",
			     BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)), in_len - avail_in, in_len);
out:
	BrotliDecoderDestroyInstance(s);
	return rc;
}

/* Zstandard (RFC 8878), in one shot: the frames are decoded straight into
 * the bounded output, so no window buffer is allocated however large a
 * window a frame asks for (a sender's zstd -19 asks for 8 MiB). */
static int decompress_zstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *got)
{
	unsigned long long declared = ZSTD_getFrameContentSize(in, in_len);
	ZSTD_DCtx *d;
	size_t r;
	int rc = 0;

	*got = 0;
	/* a frame may state its size: a bomb can be refused before any work */
	ENSURE(declared == ZSTD_CONTENTSIZE_UNKNOWN || declared == ZSTD_CONTENTSIZE_ERROR || declared < cap,
	       ERR_LENGTH, "zstd: the frame declares %llu bytes, more than uncompressed_length %zu", declared,
	       cap - 1);
	d = ZSTD_createDCtx();
	ENSURE(d, ERR_NOMEM, "zstd: cannot initialise the decoder");
	r = ZSTD_decompressDCtx(d, out, cap, in, in_len);
	if (!ZSTD_isError(r))
		*got = r;
	else if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
		rc = err_set(ERR_LENGTH, "zstd: the stream holds more than uncompressed_length %zu", cap - 1);
	else if (ZSTD_getErrorCode(r) == ZSTD_error_srcSize_wrong)
		rc = err_set(ERR_VALUE, "zstd: truncated stream (%zu compressed bytes)", in_len);
	else
		rc = err_set(ERR_VALUE, "zstd: %s (%zu compressed bytes)", ZSTD_getErrorName(r), in_len);
	ZSTD_freeDCtx(d);
	return rc;
}

int decompress_cert(uint16_t alg, const uint8_t *in, size_t in_len, size_t want, uint8_t **out)
{
	uint8_t *buf = NULL;
	size_t got = 0;
	int rc;

	*out = NULL;
	ENSURE(alg >= 1 && alg <= 3, ERR_UNSUPPORTED, "algorithm 0x%04x: not one tlsviz can decompress", alg);
	ENSURE(want <= DECOMPRESS_MAX, ERR_NOMEM, "uncompressed_length %zu is over the %u-byte cap", want,
	       DECOMPRESS_MAX);
	buf = malloc(want + 1);
	ENSURE(buf, ERR_NOMEM, "out of memory for %zu decompressed bytes", want);
	if (alg == 1)
		rc = decompress_zlib(in, in_len, buf, want + 1, &got);
	else if (alg == 2)
		rc = decompress_brotli(in, in_len, buf, want + 1, &got);
	else
		rc = decompress_zstd(in, in_len, buf, want + 1, &got);
	if (rc == 0 && got != want)
		rc = err_set(ERR_LENGTH, "the stream holds %zu bytes, uncompressed_length says %zu", got, want);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}
