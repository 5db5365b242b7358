/* Bounded decompression for RFC 8879 certificate compression: zlib (1),
 * brotli (2) and zstd (3). The peer declares the uncompressed length; the
 * output may be neither longer nor shorter than that, and never more than
 * DECOMPRESS_MAX: a compressed certificate is hostile input, and a few
 * hundred bytes can expand to gigabytes (a decompression bomb). */
#ifndef TLSVIZ_TLS_DECOMPRESS_H
#define TLSVIZ_TLS_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

/* uint24 lets a sender declare up to 16 MiB; tlsviz takes what it takes of
 * any handshake message (TLSDEC_HS_MAX), far above any real chain. */
#define DECOMPRESS_MAX (1u << 20)

/* Decompress in[0..in_len) with algorithm alg into a new buffer of exactly
 * want bytes (*out, to free()). 0 on success; ERR_UNSUPPORTED for an unknown
 * algorithm, ERR_NOMEM when want exceeds DECOMPRESS_MAX, ERR_LENGTH when the
 * stream yields more or fewer bytes than want, ERR_VALUE for a corrupt or
 * truncated stream. */
int decompress_cert(uint16_t alg, const uint8_t *in, size_t in_len, size_t want, uint8_t **out);

#endif
