/* A small pcapng block scanner: finds Decryption Secrets Blocks, which
 * libpcap skips silently. Streams the file (seeks over other blocks), so
 * memory stays constant; both byte orders; sane block-length checks.
 */
#ifndef TLSVIZ_WIRE_PCAPNG_SCAN_H
#define TLSVIZ_WIRE_PCAPNG_SCAN_H

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
 * DSBs found, or ERR_VALUE / ERR_LENGTH / ERR_IO with a message naming the
 * block offset when the block structure is broken. A truncated last block is
 * a warning (libpcap reports it again when reading packets). */
int pcapng_scan(FILE *f, uint64_t size, const struct pcapng_scan_ops *ops, void *ctx);

#endif
