/* A small pcapng block scanner: finds Decryption Secrets Blocks, which
 * libpcap skips silently. Streams the file (seeks over other blocks), so
 * memory stays constant; both byte orders; sane block-length checks.
 */
#ifndef TLSVIZ_WIRE_PCAPNG_SCAN_H
#define TLSVIZ_WIRE_PCAPNG_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BT_DSB 0x0000000Au
#define PCAPNG_BOM 0x1A2B3C4Du
#define PCAPNG_SECRETS_TLS 0x544c534bu /* 'TLSK': NSS key log text */
#define PCAPNG_MAX_DSB ((uint32_t)16 << 20) /* larger DSBs are skipped */

struct pcapng_scan_ops {
	/* one DSB: its secrets type and data; block_off = file offset of the block */
	void (*secrets)(void *ctx, uint32_t type, const uint8_t *data, size_t len,
			uint64_t block_off);
	/* a problem that does not stop the packets (garbage DSB, truncated tail) */
	void (*warn)(void *ctx, const char *text);
};

/* Scan the whole file f (size bytes) from its start. Returns the number of
 * DSBs found, or ERR_VALUE / ERR_IO when the file does not start with a
 * Section Header Block or cannot be read. A damaged block (impossible
 * length, trailer that disagrees, cut off) is not fatal and not reported
 * here: the scan goes on at the next readable block (pcapng_resync), and
 * the packet reader reports the damage when it reaches it. */
int pcapng_scan(FILE *f, uint64_t size, const struct pcapng_scan_ops *ops, void *ctx);

/* The first offset >= from, a multiple of 4 (blocks are 32-bit aligned
 * from the file's start), where a readable block begins: a known block
 * type, a length >= 12 and a multiple of 4 that fits in the file, the same
 * length in its trailer, and either the end of the file or another
 * plausible block header right after it. be: the section's byte order.
 * Returns 1 with *next, 0 when no readable block follows, ERR_IO. */
int pcapng_resync(FILE *f, uint64_t size, uint64_t from, bool be, uint64_t *next);

#endif
