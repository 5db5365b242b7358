/* Fuzz the TCP reassembler with synthetic segments of one connection:
 * retransmissions, overlaps, holes, wrap-around, FIN/RST in any order. */
#include "wire/reasm.h"

#include <stdint.h>
#include <string.h>

static void on_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
		    uint64_t off, uint64_t ts)
{
	volatile uint8_t sink = 0;

	(void)ctx, (void)id, (void)d, (void)off, (void)ts;
	for (size_t i = 0; i < len; i++) /* touch every delivered byte (ASan) */
		sink ^= data[i];
}

static const struct reasm_ops ops = { .data = on_data };

/* Input: repeated [u8 flags][u8 dirlen][u32 seq][u8 len] records. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t payload[256];
	struct reasm *r = reasm_new(&ops, NULL, 4096);
	size_t i = 0;

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
