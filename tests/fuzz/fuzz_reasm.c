/* Fuzz the TCP reassembler with synthetic segments of one 4-tuple:
 * retransmissions, overlaps, holes, wrap-around, SYN/FIN/RST in any order.
 * Checks the contract of reasm.h: each direction's bytes and gaps arrive in
 * order without overlap, and nothing is called after a direction closed. */
#include "fuzz_common.h"
#include "wire/reasm.h"

#include <stdint.h>
#include <string.h>

#define REASM_FUZZ_IDS 64

struct reasm_fuzz {
	uint64_t next[REASM_FUZZ_IDS][3]; /* next expected stream offset */
	uint8_t closed[REASM_FUZZ_IDS][3];
	uint8_t started[REASM_FUZZ_IDS][3];
};

/* Offsets must continue exactly where the last data or gap ended. */
static void reasm_fuzz_advance(struct reasm_fuzz *f, uint32_t id, enum dir d, uint64_t off,
			       uint64_t n)
{
	FUZZ_REQUIRE(d == DIR_C2S || d == DIR_S2C);
	if (id >= REASM_FUZZ_IDS)
		return;
	FUZZ_REQUIRE(!f->closed[id][d]);
	if (f->started[id][d])
		FUZZ_REQUIRE(off == f->next[id][d]);
	f->started[id][d] = 1;
	f->next[id][d] = off + n;
}

static void reasm_fuzz_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
			    uint64_t off, uint64_t ts)
{
	volatile uint8_t acc = 0;

	(void)ts;
	FUZZ_REQUIRE(len > 0);
	for (size_t i = 0; i < len; i++) /* touch every delivered byte (ASan) */
		acc ^= data[i];
	(void)acc;
	reasm_fuzz_advance(ctx, id, d, off, len);
}

static void reasm_fuzz_gap(void *ctx, uint32_t id, enum dir d, uint64_t off, uint64_t missing,
			   uint64_t ts)
{
	(void)ts;
	FUZZ_REQUIRE(missing > 0);
	reasm_fuzz_advance(ctx, id, d, off, missing);
}

static void reasm_fuzz_close(void *ctx, uint32_t id, enum dir d, bool rst, uint64_t ts)
{
	struct reasm_fuzz *f = ctx;

	(void)rst, (void)ts;
	FUZZ_REQUIRE(d == DIR_C2S || d == DIR_S2C);
	if (id < REASM_FUZZ_IDS) {
		FUZZ_REQUIRE(!f->closed[id][d]);
		f->closed[id][d] = 1;
	}
}

static const struct reasm_ops reasm_fuzz_ops = {
	.data = reasm_fuzz_data, .gap = reasm_fuzz_gap, .close = reasm_fuzz_close,
};

/* Input: repeated 7-byte records [u8 flags][u8 dir][u32 seq][u8 len]; the
 * payload starts like a TLS record holding a ClientHello so the client
 * guess without SYN is exercised too. */
int fuzz_reasm_one(const uint8_t *data, size_t size)
{
	static uint8_t payload[256] = { 0x16, 0x03, 0x01, 0x00, 0xf0, 0x01 };
	static struct reasm_fuzz f;
	struct reasm *r;
	size_t i = 0;

	memset(&f, 0, sizeof f);
	/* a small per-direction cap so the overflow path is reachable */
	r = reasm_new(&reasm_fuzz_ops, &f, 4096);
	while (r && i + 7 <= size) {
		struct pkt p;
		uint32_t conn;
		enum dir d;

		memset(&p, 0, sizeof p);
		p.af = 2; /* AF_INET */
		p.src[0] = 127, p.src[3] = (data[i + 1] & 1) ? 2 : 1;
		p.dst[0] = 127, p.dst[3] = (data[i + 1] & 1) ? 1 : 2;
		p.sport = (data[i + 1] & 1) ? 443 : 50000;
		p.dport = (data[i + 1] & 1) ? 50000 : 443;
		p.flags = data[i];
		p.seq = (uint32_t)data[i + 2] << 24 | (uint32_t)data[i + 3] << 16 |
			(uint32_t)data[i + 4] << 8 | data[i + 5];
		p.payload_len = data[i + 6];
		p.payload = payload;
		reasm_packet(r, &p, &conn, &d);
		i += 7;
	}
	if (r) {
		reasm_finish(r);
		reasm_free(r);
	}
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reasm_one(data, size);
}
#endif
